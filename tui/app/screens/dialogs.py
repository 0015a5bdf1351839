"""Modal dialogs: confirm, label picker, the label set, and the edit dialog (validation messages from
the store)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets._select import SelectCurrent, SelectOverlay
from textual.widgets.selection_list import Selection

from extractors.vocabulary import NOT_SPEAKERS, QUOTE_TYPES
from extractors.wrapping import as_line, unbroken, unwrapped

from ...sanitize import clean_line
from ..bindings import CONFIRM, EDIT, LABEL_PICKER, LABEL_SET, Keys
from ..spans import cluster_cut
from ..text import label_chip, one_line, safe
from ..widgets.footer import DialogFooter
from ..widgets.ticks import TickList
from .once import ClosesOnce


class Confirm(ClosesOnce, ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = list(CONFIRM)

    def __init__(self, question: str, keys: Keys) -> None:
        super().__init__()
        self.question = question
        self.keys = keys

    def compose(self) -> ComposeResult:
        k = self.keys
        with Vertical(classes="dialog"):
            yield Static(safe(self.question, style="bold"))
            yield Static(
                Text(f"{k.show('confirm.yes', sep=' / ')}: yes    {k.show('confirm.no', sep=' / ')}: no", style="dim")
            )
        yield DialogFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class LabelSearch(Input):
    """The label picker's search box: it leaves digits to the picker's number keys."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character) and not (character or "").isdigit()


class LabelPicker(ClosesOnce, ModalScreen[str | None]):
    """Pick a label: the first ten shown have number keys; typing finds any label (every label of
    the pipeline, the store's own and those in use), and a label nobody has used yet can be typed
    whole. Returns the label, or None."""

    BINDINGS: ClassVar[list[BindingType]] = list(LABEL_PICKER)

    def __init__(
        self, text: str, labels: list[str], keys: Keys, *, title: str = "New entity: ", current: str | None = None
    ) -> None:
        super().__init__()
        self.text = text
        self.labels = list(dict.fromkeys(labels))
        self.keys = keys
        self.heading = title
        self.current = current
        self.shown: list[str] = list(self.labels)

    #: what the picker picks (its search box's placeholder and its hint say it)
    WHAT = "label"

    def heading_text(self) -> Text:
        return Text.assemble((self.heading, "bold"), (one_line(self.text, 60), "reverse"))

    def cancel_says(self) -> str:
        return "cancels"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="label-picker"):
            yield Static(self.heading_text())
            yield LabelSearch(placeholder=f"type to find a {self.WHAT}", id="label-search")
            yield OptionList(id="label-options")
            k = self.keys
            yield Static(
                Text(
                    f"number keys pick the {self.WHAT} numbered so; {k.show('labels.up')}/{k.show('labels.down')} "
                    f"and {k.show('labels.choose')} pick the highlighted one; {k.show('labels.cancel')} "
                    f"{self.cancel_says()}",
                    style="dim",
                )
            )
        yield DialogFooter()

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def matching(self, query: str) -> list[str]:
        """Labels holding ``query`` (case-insensitive), those that begin with it first; a query that
        names no label exactly is offered last as a new label."""
        q = query.strip()
        if not q:
            return list(self.labels)
        low = q.casefold()
        found = [lab for lab in self.labels if low in lab.casefold()]
        found.sort(key=lambda lab: not lab.casefold().startswith(low))
        if not any(lab.casefold() == low for lab in found) and 0 < len(q) <= 64 and q == clean_line(q):
            found.append(q)
        return found

    def _fill(self, query: str) -> None:
        self.shown = self.matching(query)
        options = self.query_one(OptionList)
        options.clear_options()
        known = set(self.labels)
        prompts = []
        for i, label in enumerate(self.shown):
            line = Text()
            key = self.keys.show(f"labels.pick_{i + 1}", first=True) if i < 10 else ""
            line.append(f" {key:>2} " if key else "    ", style="bold reverse" if key else "")
            prompts.append(self.option(line, label, known))
        options.add_options(prompts)
        if self.shown:
            options.highlighted = 0

    def option(self, line: Text, label: str, known: set[str]) -> Text:
        """One row of the list after its number key: the label as a chip, marked."""
        line.append(" ")
        line.append(f" {one_line(label, 30)} ", style=label_chip(label))
        if label == self.current:
            line.append("  (now)", style="dim")
        if label not in known:
            line.append("  new label", style="italic")
        return line

    @on(Input.Changed, "#label-search")
    def _search(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#label-search")
    def _submitted(self) -> None:
        self.action_choose()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            options.highlighted = max(0, min(len(self.shown) - 1, (options.highlighted or 0) + delta))

    def action_choose(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        self.action_pick(highlighted if highlighted is not None else -1)

    def action_pick(self, i: int) -> None:
        self.dismiss(self.shown[i] if 0 <= i < len(self.shown) else None)


class SpeakerPicker(LabelPicker):
    """Whom a pronoun speaker ("she", "they") refers to: the article's people and organisations,
    each entity once by its fullest name (those mentioned nearest before the claim first), with the
    label picker's keys — number keys, type to find, Enter. Returns the name chosen, or None (Escape:
    the speaker stays the pronoun alone, linked to no one)."""

    WHAT = "name"

    def __init__(self, text: str, names: list[tuple[str, str]], keys: Keys) -> None:
        super().__init__(text, [name for name, _label in names], keys, title="Who is ")
        self.kinds = dict(names)  # name -> its label, shown beside it

    def heading_text(self) -> Text:
        return Text.assemble(("Who is ", "bold"), (one_line(self.text, 40), "reverse"), ("? the speaker", "bold"))

    def cancel_says(self) -> str:
        return ": no one (the speaker stays the word alone, linked to no entity)"

    def matching(self, query: str) -> list[str]:
        """Names holding ``query`` (case-insensitive), those with a word that begins with it first;
        never a new one."""
        low = query.strip().casefold()
        if not low:
            return list(self.labels)
        found = [name for name in self.labels if low in name.casefold()]
        found.sort(key=lambda name: not any(w.startswith(low) for w in name.casefold().split()))
        return found

    def option(self, line: Text, label: str, known: set[str]) -> Text:
        line.append(f"  {one_line(label, 50)}  ")
        line.append(one_line(self.kinds.get(label, ""), 20), style="dim")
        return line


class LabelSet(ClosesOnce, ModalScreen[tuple[list[str] | None, bool] | None]):
    """The store's label set: entities whose label is not in it are hidden from review and from the
    default export (kept, not deleted); every label ticked means no set at all. Also whether the
    desk's memory makes suggestions in this store. Returns (labels or None, suggestions) or None."""

    BINDINGS: ClassVar[list[BindingType]] = list(LABEL_SET)

    def __init__(
        self, labels: list[str], chosen: list[str] | None, counts: dict[str, int], suggestions: bool, keys: Keys
    ) -> None:
        super().__init__()
        self.labels = list(dict.fromkeys([*labels, *(chosen or [])]))
        self.chosen = chosen
        self.counts = counts
        self.suggestions = suggestions
        self.keys = keys
        self._hide_all_asked = False  # an empty set was saved once: the second save means it

    def compose(self) -> ComposeResult:
        k = self.keys
        with Vertical(classes="dialog", id="label-set"):
            yield Static(
                Text(
                    "The store's label set: entities with other labels are hidden from review and from the "
                    "default export (kept, not deleted).",
                    style="bold",
                )
            )
            yield TickList(
                *[
                    Selection(self._prompt(label), label, self.chosen is None or label in self.chosen)
                    for label in self.labels
                ],
                id="label-set-list",
            )
            yield Static(id="label-set-suggestions")
            yield Static(id="label-set-warning")
            yield Static(
                Text(
                    f"space ticks a label; {k.show('labelset.all')} all, {k.show('labelset.none')} none; "
                    f"{k.show('labelset.suggestions')} suggestions on/off; {k.show('labelset.save')} saves, "
                    f"{k.show('labelset.cancel')} cancels",
                    style="dim",
                )
            )
        yield DialogFooter()

    def _prompt(self, label: str) -> Text:
        n = self.counts.get(label, 0)
        line = Text(f" {one_line(label, 30)} ", style=label_chip(label))
        # the articles' candidates, extracted or imported with an article (QA: an imported label read
        # "1 extracted"); a label only analysts gave has none
        line.append(f"  {n:,} candidate{'' if n == 1 else 's'}" if n else "  no candidates", style="dim")
        return line

    def on_mount(self) -> None:
        self._show_suggestions()
        self.query_one(SelectionList).focus()

    def on_resize(self) -> None:
        # the list takes what the lines around it leave (QA: at 48 rows it showed 18 of 20 labels, and an
        # analyst took the two below the fold for missing); on a short terminal it gives way to them
        chrome = 16 if self.size.width < 110 else 14
        self.query_one(SelectionList).styles.max_height = max(4, self.size.height - chrome)

    def _show_suggestions(self) -> None:
        state = "on" if self.suggestions else "off (blind review: no suggestions, no proposals)"
        self.query_one("#label-set-suggestions", Static).update(
            Text(f"Suggestions from the desk's memory: {state}", style="bold" if self.suggestions else "yellow")
        )

    def action_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_none(self) -> None:
        self.query_one(SelectionList).deselect_all()

    def action_suggestions(self) -> None:
        self.suggestions = not self.suggestions
        self._show_suggestions()

    def action_save(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        chosen = None if ticked >= set(self.labels) else [lab for lab in self.labels if lab in ticked]
        if chosen == [] and self.chosen != [] and not self._hide_all_asked:
            # no label at all hides every entity from the whole desk: said, and saved on a second press
            self._hide_all_asked = True
            self.query_one("#label-set-warning", Static).update(
                Text(
                    "No label ticked: every entity would be hidden from review and export for the whole desk "
                    f"(kept, not deleted). {self.keys.show('labelset.save')} again saves that.",
                    style="bold yellow",
                )
            )
            return
        self.dismiss((chosen, self.suggestions))

    def on_selection_list_selected_changed(self) -> None:
        if self._hide_all_asked:
            self._hide_all_asked = False
            self.query_one("#label-set-warning", Static).update(Text(""))

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def action_page(self, direction: int) -> None:
        """Page keys only once the list is laid out (see :meth:`EditDialog.action_page`)."""
        options = self.query_one(SelectionList)
        if options.option_count and options.scrollable_content_region:
            await options.run_action("page_down" if direction > 0 else "page_up")


class DialogScroll(VerticalScroll, can_focus=False):
    """A dialog's body that scrolls on a short terminal (80x24) without taking a tab stop of its own:
    moving the focus to a field scrolls it into view."""


class _InOrderOverlay(SelectOverlay):
    """Typing in the list goes to the first option, in the list's order, with a word starting with
    what was typed (else the first holding it anywhere). Textual's own went to the option where the
    text came earliest in its line: "fly" picked an indented mention row ('  “Flynn” [0:5]', the
    headline's) over the group's first row, "Michael Flynn", nearest the claim (QA)."""

    def _find_search_match(self, query: str) -> int | None:
        wanted = query.casefold()
        word = re.compile(r"(?<!\w)" + re.escape(wanted))
        anywhere = None
        for index in range(self.option_count):
            prompt = self.get_option_at_index(index).prompt
            line = (prompt.plain if isinstance(prompt, Text) else str(prompt)).casefold()
            if word.search(line):
                return index
            if anywhere is None and wanted in line:
                anywhere = index
        return anywhere


class InOrderSelect(Select[str]):
    """A Select whose type-to-find keeps the list's order (:class:`_InOrderOverlay`)."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _InOrderOverlay(type_to_search=True).data_bind(compact=Select.compact)


#: what an offset field takes (a pattern matched in linear time)
OFFSET_CHARS = r"[0-9]*"


class EditDialog(ClosesOnce, ModalScreen[None]):
    """Edit every field of a candidate; saving records one `edit` decision (the original is kept)."""

    BINDINGS: ClassVar[list[BindingType]] = list(EDIT)
    # under 60 columns each field's name goes above it (QA, stop 50: at 40x12 a field was 3 cells wide
    # beside its name, "978" shown blank)
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (60, "-roomy")]  # noqa: RUF012 - declared so on Screen (a ClassVar there fails mypy)

    def __init__(
        self,
        cand: dict[str, Any],
        text: str,
        entities: list[dict[str, Any]],
        labels: list[str],
        save: Callable[[dict[str, Any]], str | None],
        keys: Keys,
        groups: dict[str, str] | None = None,
        select_text: Callable[[], None] | None = None,
        flow: str | None = None,
        span: tuple[int, int] | None = None,
        *,
        mention: str | None = None,
    ) -> None:
        super().__init__()
        self.cand = cand
        self.mention = mention  # which of its group's mentions an entity is ("mention 1 of 3 …")
        #: the offsets the dialog opens with: a boundary edit in progress, else the candidate's own
        self.span = span or (cand["start"], cand["end"])
        self.select_text = select_text  # a claim's fields by selection in the article instead
        self.text = text
        # what is shown: a hard wrap's line breaks as spaces (same offsets); the caller's if it has it
        self.flow = unwrapped(text) if flow is None else flow
        self.entities = sorted(entities, key=lambda e: e["start"])
        self.groups = groups or {}  # entity id -> the name of its group (the entity it mentions)
        self.labels = labels
        self.save = save
        self.keys = keys

    def shown(self, ref: dict[str, Any]) -> str:
        """A span's text as the pane shows it (see ``flow``)."""
        s, e = ref.get("start"), ref.get("end")
        if isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= len(self.flow):
            return as_line(self.text[s:e], self.flow[s:e])
        return str(ref.get("text", ""))

    def compose(self) -> ComposeResult:
        c = self.cand
        with DialogScroll(classes="dialog", id="edit-dialog"):
            yield Static(
                Text.assemble(
                    ("Edit ", "bold"),
                    (one_line(c["kind"], 10), "bold"),
                    ": ",
                    (
                        one_line(self.shown({"start": self.span[0], "end": self.span[1], "text": c["text"]}), 70),
                        "reverse",
                    ),
                )
            )
            if self.mention:
                yield Static(Text(self.mention, style="dim"), id="edit-mention")
            with Grid(id="edit-grid"):
                if c["kind"] == "entity":
                    yield Label("label")
                    labels = [(Text(one_line(lab, 30)), lab) for lab in dict.fromkeys([*self.labels, c["label"]])]
                    yield Select(labels, value=c["label"], allow_blank=False, id="label")
                yield Label("start")
                # digits only, 12 at most: Textual's type="integer" checks each key against a pattern
                # that backtracks exponentially — 30 digits then a letter froze the app (QA, stop 45)
                yield Input(str(self.span[0]), id="start", restrict=OFFSET_CHARS, max_length=12)
                yield Label("end")
                yield Input(str(self.span[1]), id="end", restrict=OFFSET_CHARS, max_length=12)
                if c["kind"] == "claim":
                    yield Label("quote type")
                    yield Select(
                        [(Text(one_line(q, 20)), q) for q in dict.fromkeys([*QUOTE_TYPES, c["quote_type"]])],
                        value=c["quote_type"],
                        allow_blank=False,
                        id="quote_type",
                    )
                    yield Label("speaker")
                    options: list[tuple[Text, str]] = [(Text("(none)"), "none"), *self.speaker_options()]
                    current = "keep" if c.get("speaker") else "none"
                    if c.get("speaker"):
                        options.insert(0, (Text(f"keep: {one_line(self.shown(c['speaker']), 30)}"), "keep"))
                    yield InOrderSelect(options, value=current, allow_blank=False, id="speaker")
                    yield Label("cue start:end")
                    cue = c.get("cue")
                    yield Input(
                        f"{cue['start']}:{cue['end']}" if cue else "",
                        id="cue",
                        placeholder="e.g. 120:124, empty for none",
                    )
            yield Static(id="edit-preview")
            yield Static(id="edit-error")
            if c["kind"] == "claim" and self.select_text is not None:
                yield Static(
                    Text(
                        f"{self.keys.show('edit.select_text')}: select the content, speaker or cue in the article "
                        "instead (any span may be the speaker; what you changed here is saved first)",
                        style="dim",
                    )
                )
            with Horizontal(id="edit-buttons"):
                yield Button(Text(f"Save ({self.keys.show('edit.save')})"), variant="primary", id="save")
                yield Button(Text(f"Cancel ({self.keys.show('edit.cancel')})"), id="cancel")
        yield DialogFooter()

    def speaker_options(self) -> list[tuple[Text, str]]:
        """The entities a speaker can be, PERSON then ORG first, each entity's mentions together
        under its name (nearest the claim first); typing in the open list finds one."""
        rank = {"PERSON": 0, "ORG": 1}
        at = self.cand["start"]
        named: dict[str, list[dict[str, Any]]] = {}
        for e in self.entities:
            if e.get("label") not in NOT_SPEAKERS:  # a date or an amount cannot speak (the store refuses it)
                named.setdefault(self.groups.get(e["id"], e["text"]), []).append(e)
        order = sorted(
            named.items(),
            key=lambda kv: (min(rank.get(str(e.get("label")), 2) for e in kv[1]), kv[0].casefold()),
        )
        out: list[tuple[Text, str]] = []
        for name, mentions in order:
            mentions.sort(key=lambda e: (abs(e["start"] - at), e["start"]))
            for i, e in enumerate(mentions):
                line = Text(f"{one_line(unbroken(name), 30)} " if i == 0 else "  ")
                if i or e["text"] != name:
                    line.append(f"“{one_line(self.shown(e), 30)}” ", style="italic")
                line.append(f"[{e['start']}:{e['end']}] {one_line(e.get('label', ''), 20)}", style="dim")
                out.append((line, e["id"]))
        return out

    def on_mount(self) -> None:
        self._preview()

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._preview()
        self.query_one("#edit-error", Static).update("")  # an error about the old values no longer holds

    def _preview(self) -> None:
        try:
            s, e = int(self.query_one("#start", Input).value), int(self.query_one("#end", Input).value)
            shown = Text.assemble(
                ("text: ", "bold"),
                one_line(self.shown({"start": s, "end": e}), 200)
                if 0 <= s < e <= len(self.text)
                else ("(invalid span)", "red"),
            )
        except ValueError:
            shown = Text.assemble(("text: ", "bold"), ("(invalid span)", "red"))
        if self.cand["kind"] == "claim":  # the cue's words, not only its offsets (QA, stop 46)
            cue = self.query_one("#cue", Input).value.strip()
            try:
                cs, ce = (int(x) for x in cue.split(":"))
                words: Text | str = (
                    one_line(self.shown({"start": cs, "end": ce}), 60)
                    if 0 <= cs < ce <= len(self.text)
                    else Text("(invalid span)", "red")
                )
            except ValueError:
                words = "(none)" if not cue else Text("(start:end, e.g. 120:124)", "red")
            shown.append("\n")
            shown.append_text(Text.assemble(("cue: ", "bold"), words))
        self.query_one("#edit-preview", Static).update(shown)

    def changes(self) -> dict[str, Any]:
        c = self.cand
        out: dict[str, Any] = {}
        try:
            out["start"] = int(self.query_one("#start", Input).value)
            out["end"] = int(self.query_one("#end", Input).value)
        except ValueError:
            raise ValueError("start and end must be whole numbers") from None
        if c["kind"] == "entity":
            out["label"] = self.query_one("#label", Select).value
        else:
            quote_type = self.query_one("#quote_type", Select).value
            if quote_type != c["quote_type"]:  # (left as it was: the store works out a moved content's)
                out["quote_type"] = quote_type
            speaker = self.query_one("#speaker", Select).value
            if speaker == "none":
                out["speaker"] = None
            elif speaker != "keep":
                ent = next(e for e in self.entities if e["id"] == speaker)
                name = self.groups.get(ent["id"], ent["text"])
                out["speaker"] = {"start": ent["start"], "end": ent["end"], "entity_id": ent["id"], "name": name}
            cue = self.query_one("#cue", Input).value.strip()
            if not cue:
                out["cue"] = None
            else:
                try:
                    cs, ce = (int(x) for x in cue.split(":"))
                except ValueError:
                    raise ValueError("cue must be start:end, e.g. 120:124, or empty") from None
                out["cue"] = {"start": cs, "end": ce}
        unchanged = {k for k, v in out.items() if k in ("start", "end", "label", "quote_type") and c.get(k) == v}
        typed = [(k, out[k]) for k in ("start", "end") if k not in unchanged]
        if out.get("cue"):
            was = _ends(c.get("cue")) or (None, None)
            typed += [
                (f"cue {k}", out["cue"][k])
                for k, old in zip(("start", "end"), was, strict=True)
                if out["cue"][k] != old
            ]
        for name, at in typed:  # offsets typed here take whole characters (an accent with its letter)
            cut = cluster_cut(self.text, at) if isinstance(at, int) else None
            if cut is not None:
                raise ValueError(
                    f"{name} {at} is inside the character '{one_line(self.text[cut[0] : cut[1]], 12)}': "
                    f"use {cut[0]} or {cut[1]}"
                )
        if c["kind"] == "claim" and out.get("cue") is None and c.get("cue") is None:
            unchanged.add("cue")
        if c["kind"] == "claim" and "speaker" in out and out["speaker"] is None and c.get("speaker") is None:
            unchanged.add("speaker")
        if (
            c["kind"] == "claim"
            and out.get("cue")
            and c.get("cue")
            and (out["cue"]["start"], out["cue"]["end"]) == (c["cue"]["start"], c["cue"]["end"])
        ):
            unchanged.add("cue")
        return {k: v for k, v in out.items() if k not in unchanged}

    def _say(self, problem: object) -> None:
        """Why the edit cannot be saved, under the fields — scrolled into view (at 80x24 the dialog
        scrolls and the line sat below its bottom edge)."""
        error = self.query_one("#edit-error", Static)
        error.update(Text(one_line(problem, 300), style="bold red"))
        self.call_after_refresh(error.scroll_visible, animate=False)

    def action_save(self) -> None:
        try:
            changes = self.changes()
        except ValueError as err:
            self._say(err)
            return
        if not changes:
            self.dismiss(None)
            return
        problem = self.save(changes)
        if problem:
            self._say(problem)
        else:
            self.dismiss(None)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        """Enter in a field saves, as in the other dialogs (QA: it did nothing and said nothing; only
        ctrl+s saved)."""
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer names "select in article" only where it works: a claim, with the article behind."""
        if action == "select_text":
            return self.cand["kind"] == "claim" and self.select_text is not None
        return True

    def action_select_text(self) -> None:
        """Go on by selection in the article — after saving what was changed here (or staying, with
        the reason, if it cannot be saved): leaving must not throw an edit away."""
        if self.cand["kind"] != "claim" or self.select_text is None:
            self.app.bell()
            return
        try:
            changes = self.changes()
        except ValueError as err:
            self._say(err)
            return
        problem = self.save(changes) if changes else None
        if problem:
            self._say(problem)
            return
        go = self.select_text
        self.dismiss(None)
        go()

    async def action_page(self, direction: int) -> None:
        """Page keys for an open list (a Select's options), only once it is laid out: in Textual
        8.2.8 an OptionList paged before it has a size raises KeyError (OptionList._move_page)."""
        focused = self.focused
        if isinstance(focused, OptionList) and focused.option_count and focused.scrollable_content_region:
            await focused.run_action("page_down" if direction > 0 else "page_up")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


def _ends(ref: Any) -> tuple[Any, Any] | None:
    return (ref["start"], ref["end"]) if isinstance(ref, dict) else None
