"""The detail panel for the current candidate: every field, offsets, model, numbers, history.

Every value shown came from outside (labels, names, ids, models, reviewers): each goes through
:func:`~tui.app.text.one_line`, as Rich ``Text``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip

from extractors.vocabulary import NOT_SPEAKERS

from ..bindings import Keys
from ..desk import desk_line, review_lines, when
from ..text import STATUS_MARK, Palette, field_name, one_line, show_value, to_strip
from ..text import label_color as raw_label_color
from .lines import LineView

Cand = dict[str, Any]


@cache
def _console() -> Console:
    return Console(width=80, color_system=None, file=None, force_terminal=False)


class Rows:
    """The panel's content: named rows — the name in a bold column, the value wrapped under itself —
    and a line below them, laid out for a width when shown. (A Rich table grid did the same by
    measuring every cell: three milliseconds on every key.)"""

    def __init__(self) -> None:
        self.rows: list[tuple[str, Text]] = []
        self.below: Text | None = None

    def add_row(self, name: str, value: Text) -> None:
        self.rows.append((name, value))

    def lines(self, width: int) -> list[Text]:
        """The rows laid out for ``width`` cells, a line each."""
        column = max((cell_len(name) for name, _ in self.rows), default=0)
        body = max(10, width - column - 1)
        out: list[Text] = []
        for name, value in self.rows:
            lines = list(value.wrap(_console(), body, overflow="fold")) or [Text("")]
            while len(lines) > 1 and not lines[-1].plain.strip():  # a value's trailing newline
                lines.pop()
            for j, part in enumerate(lines):
                line = Text(f"{name if j == 0 else '':<{column}} ", style="bold" if j == 0 else "", end="")
                line.append_text(part)
                out.append(line)
        if self.below is not None:
            out.extend(self.below.wrap(_console(), width, overflow="fold"))
        return out

    def to_text(self, width: int) -> Text:
        return Text("\n", end="").join(self.lines(width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.to_text(options.max_width)


Shown = Rows | Text


class DetailPanel(LineView):
    """Shows :class:`Rows` (laid out at the panel's width, again when it changes) or a text, painted
    line by line. While the content fits, the scrollable height stays the panel's own: a new
    candidate then repaints the panel without a layout of the screen (nor a second frame for its
    scrollbar)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: what the screen calls to draw the panel again when its colours change: the content holds
        #: label colours made readable on the panel's background (QA: on a light theme they kept the
        #: dark theme's hues — the theme's watcher ran before the new CSS reached the panel)
        self.restyled: Callable[[], None] | None = None
        self.shown: Shown = Text()
        self._strips: list[Strip] | None = None
        self._laid_for = 0
        self._tallest, self._tallest_for = 0, Size(0, 0)

    def notify_style_update(self) -> None:
        old = self._palette
        self._palette = None
        super().notify_style_update()
        if self.restyled is not None:
            self.call_after_refresh(self._restyle_if_changed, old)

    def _restyle_if_changed(self, old: Palette | None) -> None:
        new = self.palette()
        changed = old is None or (new.background, new.foreground) != (old.background, old.foreground)
        if changed and self.restyled is not None:
            self.restyled()

    def update(self, shown: Shown) -> None:
        self.shown = shown
        self._lay_out()

    def render(self) -> Text:
        """The whole content as one text (what tests and screen readers read)."""
        return self.shown.to_text(self._width()) if isinstance(self.shown, Rows) else self.shown

    def _width(self) -> int:
        return self.scrollable_content_region.width or self.size.width or 60

    def _lay_out(self) -> None:
        width = self._laid_for = self._width()
        shown = self.shown
        lines = shown.lines(width) if isinstance(shown, Rows) else list(shown.wrap(_console(), width, overflow="fold"))
        console, base = self.app.console, self.base_style
        self._strips = [to_strip(line, console, base).adjust_cell_length(width, base) for line in lines]
        # the scrollable height only grows (until the panel is resized): a long detail after a short
        # one would otherwise change it on every key, and each change lays out the whole screen and
        # costs a second frame for the scrollbar
        height = max(len(lines), self.size.height, self._tallest if self._tallest_for == self.size else 0)
        self._tallest, self._tallest_for = height, self.size
        size = Size(width, height)
        if size != self.virtual_size:
            self.virtual_size = size
        if self.scroll_y:
            self.scroll_to(y=0, animate=False, immediate=True)  # a new candidate's detail from its top
        self.refresh()

    def on_resize(self) -> None:
        self._lay_out()

    def restyle(self) -> None:
        self._lay_out()

    def render_line(self, y: int) -> Strip:
        if self._strips is None or self._laid_for != self._width():
            self._lay_out()
        strips = self._strips or []
        index = y + int(self.scroll_y)
        if index < len(strips):
            return strips[index]
        return Strip.blank(self.size.width, self.base_style)


def _ref(ref: dict[str, Any] | None) -> Text:
    if not ref:
        return Text("—", style="dim")
    return Text(f"{one_line(ref.get('text', ''), 60)}  [{one_line(ref.get('start'))}:{one_line(ref.get('end'))}]")


def detail(
    cand: Cand | None,
    history: list[dict[str, Any]],
    legend: list[tuple[str, str]] | None = None,
    palette: Palette | None = None,
    *,
    empty: str = "No candidate here.",
    group: tuple[str, int, int, int] | None = None,
    keys: Keys | None = None,
    final: str | None = None,
    me: str = "",
    adjudicate_key: str = "J",
    speaker_entity: str | None = None,
    speaker_label: str | None = None,
) -> Shown:
    """The panel for ``cand``; ``legend`` is the relabel keys in force as (key, label) pairs;
    ``group`` is (name, this mention's number, mentions, others pending) for a mention of a group.
    ``final``: the desk's status of the candidate (shown with every reviewer's version when others
    decided it too; ``me`` is this reviewer). ``speaker_entity``, ``speaker_label``: the status and
    label of the entity a claim's speaker is linked to."""
    if cand is None:
        return Text(empty, style="dim")

    label_style = partial(_label_color, palette=palette)
    grid = Rows()
    status = str(cand.get("status", "pending"))
    by = ""
    if cand.get("reviewer"):
        by = f" by {one_line(cand['reviewer'], 40)} at {when(cand.get('decided_at'), full=True)}"
    grid.add_row("status", Text(f"{STATUS_MARK.get(status, '')} {one_line(status, 20)}{by}"))
    hint = suggestion_text(cand)
    if hint is not None:
        grid.add_row("suggests", hint)
    if group is not None:
        group_name, number, count, rest = group
        line = Text(f"mention {number} of {count} of {one_line(group_name, 40)}")
        if rest and keys is not None:
            moved = {"start", "end"} & set(cand.get("original") or {})
            line.append(
                f" — {keys.show('review.apply_rest')} applies this one's decision to the {rest} still pending"
                + (" (not its boundaries)" if moved else ""),  # QA: read as copying the trim
                style="dim",
            )
        grid.add_row("group", line)
    if final is not None and (final == "disputed" or any(r.get("reviewer") != me for r in cand.get("reviews") or ())):
        grid.add_row("desk", desk_line(final, cand, me, adjudicate_key))
        grid.add_row("reviews", review_lines(cand, me))
    if cand["kind"] == "entity":
        label = str(cand.get("label", ""))
        grid.add_row("label", Text(one_line(label, 40), style=label_style(label)))
    else:
        grid.add_row(
            "quote",
            Text(
                f"{one_line(cand.get('quote_type', ''), 20)}   check-worthiness {cand.get('checkworthiness') or 0:.2f}"
            ),
        )
        desk_score = cand.get("desk_checkworthiness")
        # only where the desk's decisions changed it (QA: "corrected by this desk's decisions" on a desk
        # that had made none)
        if desk_score is not None and f"{desk_score:.2f}" != f"{cand.get('checkworthiness') or 0:.2f}":
            grid.add_row(
                "desk score",
                Text(
                    f"{cand['desk_checkworthiness']:.2f}  (the extractor's {cand.get('checkworthiness') or 0:.2f}, "
                    "corrected by this desk's decisions)"
                ),
            )
        speaker = cand.get("speaker")
        name = Text()
        if speaker:
            name = _ref(speaker)
            if speaker.get("name") and speaker["name"] != speaker.get("text"):
                name.append(f"  → {one_line(speaker['name'], 40)}", style="bold")
            if speaker.get("entity_id") and speaker_entity == "rejected":
                # QA: still shown linked, where the export drops the link to a rejected entity
                name.append("  (its entity is rejected: unlinked in the export)", style="yellow")
            elif speaker.get("entity_id") and speaker_label in NOT_SPEAKERS:
                # QA (stop 50): relabelled since to what cannot speak
                name.append(
                    f"  (its entity is now {one_line(speaker_label or '', 20)}: unlinked in the export)", style="yellow"
                )
            elif speaker.get("entity_id") and not (speaker.get("name") and speaker["name"] != speaker.get("text")):
                # QA: a link to an entity of the same words was not to be seen
                name.append("  → its entity", style="dim")
        # a cue with no speaker is a passive or impersonal report ("is believed to …"): a source exists, unnamed
        no_speaker = "— (source not named)" if cand.get("cue") else "— (unattributed)"
        grid.add_row("speaker", name if speaker else Text(no_speaker, style="dim"))
        grid.add_row("cue", _ref(cand.get("cue")))
        nums = cand.get("numbers") or []
        grid.add_row("numbers", Text(", ".join(one_line(n.get("text", ""), 30) for n in nums) or "—"))
        hedges = cand.get("hedges") or []
        if hedges:
            grid.add_row("hedges", Text(", ".join(one_line(h.get("text", ""), 30) for h in hedges), style="yellow"))
    grid.add_row("text", Text(one_line(cand["text"], 400)))
    tokens = ""
    if cand.get("token_start") is not None:
        tokens = f"  tokens {one_line(cand['token_start'])}:{one_line(cand.get('token_end'))}"
    grid.add_row("offsets", Text(f"{cand['start']}:{cand['end']}{tokens}"))
    grid.add_row(
        "origin",
        Text(
            f"{one_line(cand.get('origin'), 20)}  {one_line(cand.get('model') or '', 60)}  id {one_line(cand['id'], 60)}"
        ),
    )
    if cand.get("original"):
        grid.add_row("original", Text(one_line(original_line(cand["original"]), 200)))
    if history:
        hist = Text()
        for h in history[-6:]:
            secs = f" {h['seconds']:.1f}s" if isinstance(h.get("seconds"), int | float) else ""
            hist.append(
                f"{when(h.get('at'), day=False)} {one_line(h.get('reviewer', ''), 30)}: "
                f"{one_line(h.get('action', ''), 12)}{secs}\n"
            )
        grid.add_row("history", hist)
    if cand["kind"] == "entity" and legend:
        line = Text("relabel: ")
        for key, label in legend:
            line.append(one_line(key, 12), style="bold")
            line.append(f" {one_line(label, 20)}  ", style=label_style(label))
        grid.below = line
    return grid


def _label_color(label: str, palette: Palette | None) -> str:
    """A label's colour, readable on the panel's background when its palette is known (QA: the raw
    hues left PERCENT at 1.18:1 on a light theme)."""
    return str(palette.label(label)) if palette else raw_label_color(label)


def original_line(original: dict[str, Any]) -> str:
    """What an edit changed, as the machine had it: ``offsets 144:183 · text “Egypt would…” · numbers
    “$250 million”`` — values, not Python's dict syntax (QA, stop 44: ``numbers=[{'start': 160, …``)."""
    parts = []
    if "start" in original and "end" in original:
        parts.append(f"offsets {show_value(original['start'])}:{show_value(original['end'])}")
    else:  # one edge moved: the other is as it stands (QA, stop 45: "offsets 53:none")
        parts += [f"{edge} {show_value(original[edge])}" for edge in ("start", "end") if edge in original]
    for key, value in original.items():
        if key not in ("start", "end"):
            parts.append(f"{field_name(key)} {show_value(value)}")
    return " · ".join(parts)


def suggestion_text(cand: Cand) -> Text | None:
    """What the desk's memory suggests for a pending candidate, and why; None if nothing."""
    hint = cand.get("suggestion")
    if not hint or cand.get("status", "pending") != "pending":
        return None
    action = str(hint.get("action", ""))
    if action == "add":
        what = "add it (proposed: the model missed it here)"
    elif action == "edit" and "label" in hint:
        what = f"relabel to {one_line(hint['label'], 30)}"
    elif action == "edit":
        what = f"trim to [{one_line(hint.get('start'))}:{one_line(hint.get('end'))}]"
    else:
        what = one_line(action, 20)
    line = Text(what, style="bold")
    line.append(f" — {one_line(hint.get('reason', ''), 80)}", style="italic")
    return line


def group_detail(
    row: Cand,
    mentions: list[Cand],
    text: str,
    legend: list[tuple[str, str]],
    keys: Keys,
    palette: Palette | None = None,
) -> Shown:
    """The panel for a group row: the entity, its mentions counted and listed in their sentences,
    what deciding the row does, and the suggestions among its pending mentions."""
    from .candidates import context_of, group_summary, suggestion_mark

    label_color = partial(_label_color, palette=palette)
    grid = Rows()
    label = str(row.get("label", ""))
    head = Text(f"{one_line(row['text'], 60)} ×{row.get('count', 0)}  ", style="bold")
    head.append(one_line(label, 30), style=label_color(label))
    grid.add_row("group", head)
    grid.add_row("mentions", group_summary(row))
    pending = [m for m in mentions if m.get("status", "pending") == "pending"]
    k = keys
    if pending:
        grid.add_row(
            "keys",
            Text(
                f"{k.show('review.accept', first=True)} accepts, {k.show('review.reject', first=True)} rejects, "
                f"a number key or {k.show('review.relabel_picker', first=True)} relabels the {len(pending)} pending "
                f"(one undo step); {k.show('review.expand', first=True)} lists them one by one",
                style="dim",
            ),
        )
    hints: dict[str, int] = {}
    for m in pending:
        h = suggestion_text(m)
        if h is not None:
            hints[h.plain] = hints.get(h.plain, 0) + 1
    if hints:
        lines = Text()
        for i, (what, n) in enumerate(sorted(hints.items(), key=lambda kv: -kv[1])[:3]):
            lines.append(("\n" if i else "") + f"{n}× {what}")
        grid.add_row("suggests", lines)
    listed = Text()
    for i, m in enumerate(mentions[:8]):
        status = str(m.get("status", "pending"))
        listed.append(("\n" if i else "") + STATUS_MARK.get(status, "?") + " ")
        mark, style = suggestion_mark(m)
        if mark:
            listed.append(mark + " ", style=style)
        if m.get("label") != label:
            listed.append(one_line(m.get("label", ""), 20) + " ", style=label_color(str(m.get("label", ""))))
        listed.append_text(context_of(m, text, 24))
    if len(mentions) > 8:
        listed.append(f"\n… and {len(mentions) - 8} more", style="dim")
    grid.add_row("in text", listed)
    if legend:
        line = Text("relabel: ")
        for key, lab in legend:
            line.append(one_line(key, 12), style="bold")
            line.append(f" {one_line(lab, 20)}  ", style=label_color(lab))
        grid.below = line
    return grid
