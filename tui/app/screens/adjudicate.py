"""Adjudication: a lead walks the store's disputed items, article by article, and settles each one.

An item is *disputed* when the reviewers who decided it did not decide alike (the store's final
view). For each one the screen shows the article text around it and every reviewer's version side by
side, with who made it — or, with ``--anonymous``, ``reviewer 1``, ``reviewer 2``… numbered as the keys
that pick them: the column headed ``1  reviewer 1`` is picked with 1. The numbers count this item's
versions only, in the keys' order — by name (so that a key keeps its reviewer when they decide
again), and with names hidden in an order of each item's own: numbers by place among all the store's
reviewers read ``1  reviewer 2`` (QA), and by name "reviewer 1" was on every item the alphabetically
first, a pseudonym that anyone knowing the team's names could read. One key settles
the item: a digit picks that version, ``a`` / ``x`` / ``e`` give the lead's own decision (accept the
machine's version, reject, edit). Each is recorded through :meth:`~tui.store.ReviewStore.adjudicate`
as the lead's ``adjudicate`` decision and can be undone (``u``) like any other. Settled items stay in
the walk (marked) so the lead can look back; a decision moves on to the next unsettled one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...sanitize import clean
from ...store import StoreError
from ...store.store import Changes
from ...store.validation import CLAIM_EDITS, ENTITY_EDITS
from ...store.versions import Item, changed_fields, disputed_items, reopened, versions
from ..bindings import ADJUDICATE, LABELS, SECTIONS, Keys, help_notes
from ..desk import DISPUTED_MARK, STATUS_STYLE, differing, fields_text, possessive, when
from ..leaks import PrunedFooter
from ..text import STATUS_MARK, one_line
from .once import ClosesOnce

if TYPE_CHECKING:
    from ...store import ReviewStore
    from ..live import Presence

Cand = dict[str, Any]

#: what escape does on the adjudication screen opened by ``review --adjudicate`` (nothing beneath it)
CLOSE_QUITS = "quit (opened by review --adjudicate: there is no review screen to go back to)"
CONTEXT = 320  # characters of article text shown on each side of the item (cut at a word)
SHORT = 36  # terminal rows below which less of the text ahead of the item is shown


def context(text: str, start: int, end: int, others: list[tuple[int, int]], before: int = CONTEXT) -> Text:
    """The article around ``start:end`` (cut at words, ``…`` where cut): the item bold underlined,
    other versions' spans in reverse video; ``before`` characters of it ahead of the item (fewer on a
    short terminal, so that the item sits near the excerpt's top). Shown through ``clean``, which keeps
    offsets."""
    lo = min([start] + [s for s, _ in others])
    hi = max([end] + [e for _, e in others])
    a, b = max(0, lo - before), min(len(text), hi + CONTEXT)
    if a > 0:
        cut = text.find(" ", a, lo)
        a = cut + 1 if cut >= 0 else a
    if b < len(text):
        cut = text.rfind(" ", hi, b)
        b = cut if cut >= 0 else b
    body = Text(clean(text[a:b]))
    for s, e in others:
        if (s, e) != (start, end):
            body.stylize("reverse", max(0, s - a), max(0, e - a))
    body.stylize("bold underline", start - a, end - a)
    out = Text("… " if a > 0 else "", style="dim")
    out.append_text(body)
    if b < len(text):
        out.append(" …", style="dim")
    return out


def _values(base: Cand, entry: dict[str, Any]) -> Cand:
    """A reviewer's whole version: the machine's (or the first analyst's) candidate with their changes."""
    return {**base, **changed_fields(entry)}


def _span(value: Any) -> str:
    if not value:
        return "—"
    return f"{one_line(value.get('text', ''), 30)} [{value.get('start')}:{value.get('end')}]"


def _close_quits(bindings: BindingsMap) -> BindingsMap:
    """The screen's bindings with escape (``adjudicate.close``, wherever keys.toml put it) described
    as what it does when there is no review screen to go back to: it quits."""
    quits = BindingsMap()
    quits.key_to_bindings = {
        key: [replace(b, description="quit", tooltip=CLOSE_QUITS) if b.id == "adjudicate.close" else b for b in found]
        for key, found in bindings.key_to_bindings.items()
    }
    return quits


class AdjudicateScreen(ClosesOnce, Screen[None]):
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = list(ADJUDICATE)

    def __init__(self, store: ReviewStore, keys: Keys, *, anonymous: bool = False, standalone: bool = False) -> None:
        super().__init__()
        self.store = store
        self.keys = keys
        self.anonymous = anonymous
        self._key = secrets.token_bytes(16) if anonymous else None  # see :meth:`ordered`
        self.standalone = standalone  # opened by `review --adjudicate`: back (escape) quits
        if standalone:  # the footer says what escape does here (QA: "esc back", the hint "esc quits")
            self._bindings = _close_quits(self._bindings)
        self.items: list[Item] = []
        # whether each item is open, and where it starts: read once, forgotten for an article when it
        # changes (QA: with 2,243 disputes every key took 0.13-0.27 s, each item read again for "left")
        self._open: dict[Item, bool] = {}
        self._starts: dict[Item, int] = {}
        self.index = 0
        self.aid: str | None = None  # the article on screen (the live feed announces it)
        self.message = ""
        #: the last ruling made on this screen, to give the rest of its entity's mentions (R)
        self._last: tuple[Item, dict[str, Any]] | None = None
        self.alert = ""  # the store cannot be read (the live feed retries)

    def compose(self) -> ComposeResult:
        yield Static(id="adj-status")
        with VerticalScroll(id="adj-body"):  # the versions before the article around them: on 24
            yield Static(id="adj-title")  # lines they are what must be in view
            yield Static(id="adj-versions")
            yield Static(id="adj-context")
        yield Static(id="adj-hint")
        yield PrunedFooter(show_command_palette=False)  # at 80 columns "^p palette" pushed "quit" off

    def on_mount(self) -> None:
        self.items = disputed_items(self.store)
        self.index = self._next_open(0) if self.items else 0
        self.show()

    # -- the items ---------------------------------------------------------------------------------

    def current(self) -> Item | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def _final(self, item: Item) -> Cand | None:
        try:
            return self.store.candidate(*item, view="final")
        except StoreError:
            return None

    def is_open(self, item: Item) -> bool:
        """Disputed, or settled by a ruling that a reviewer's later decision put in question."""
        known = self._open.get(item)
        if known is None:
            cand = self._final(item)
            known = self._open[item] = cand is not None and (cand.get("status") == "disputed" or bool(reopened(cand)))
        return known

    def _forget(self, articles: set[str] | dict[str, Any]) -> None:
        """These articles changed: their items are read again when next asked about."""
        for cache in (self._open, self._starts):
            for item in [item for item in cache if item[0] in articles]:
                del cache[item]

    def _start(self, item: Item) -> int:
        if item not in self._starts:
            cand = self._final(item)
            self._starts[item] = int(cand["start"]) if cand else 0
        return self._starts[item]

    def left(self) -> int:
        return sum(1 for item in self.items if self.is_open(item))

    def _next_open(self, start: int) -> int:
        """The first unsettled item from ``start`` on (wrapping); ``start`` itself if none is."""
        n = len(self.items)
        for step in range(n):
            j = (start + step) % n
            if self.is_open(self.items[j]):
                return j
        return max(0, min(start, n - 1))

    def shown_name(self, who: str, order: list[str], *, ruled: bool = False) -> str:
        """How a reviewer is shown: their name, or (anonymous) ``reviewer N`` where N is the key that
        picks their version of this item (``order``: the item's reviewers in key order). Someone
        without a version here is ``another adjudicator`` when ``ruled`` (a lead who settled it), else
        ``a reviewer`` (one whose version was chosen, and undone since — QA: called an adjudicator)."""
        if who == self.store.reviewer:
            return "you"
        if self.anonymous:
            if who in order:
                return f"reviewer {order.index(who) + 1}"
            return "another adjudicator" if ruled else "a reviewer"
        return one_line(who, 24)

    @staticmethod
    def ordered(cand: Cand | None, *, key: bytes | None = None) -> list[dict[str, Any]]:
        """An item's versions in the order the number keys pick them: by reviewer name, so that "1" is
        the same person on every item and does not change when someone decides again. With names
        hidden (``key``: this screen's secret), in an order of the item's own — a keyed hash of the
        candidate and the name, fixed while the screen is open: by name, "reviewer 1" was always the
        alphabetically first reviewer, and by an unkeyed hash anyone with the source could work it
        out."""
        if not cand:
            return []
        if key is not None:
            cid = str(cand.get("id"))
            return sorted(versions(cand), key=lambda e: _shuffled(key, cid, str(e.get("reviewer"))))
        return sorted(versions(cand), key=lambda e: str(e.get("reviewer")).casefold())

    def in_key_order(self, cand: Cand | None) -> list[dict[str, Any]]:
        """The item's versions as this screen numbers them."""
        return self.ordered(cand, key=self._key)

    # -- showing -----------------------------------------------------------------------------------

    def show(self) -> None:
        item = self.current()
        status = self.query_one("#adj-status", Static)
        title = self.query_one("#adj-title", Static)
        body = self.query_one("#adj-context", Static)
        table = self.query_one("#adj-versions", Static)
        who = f"adjudicator {one_line(self.store.reviewer, 30)}" + ("  ·  names hidden" if self.anonymous else "")
        alert = Text(f" {one_line(self.alert, 100)} ", style="bold reverse red") if self.alert else Text("")
        if item is None:
            self.aid = None
            status.update(Text.assemble((" ADJUDICATION ", "bold reverse magenta"), alert, f"  ·  {who}"))
            title.update(Text("Nothing is disputed in this store.", style="bold"))
            body.update(
                Text(
                    "Every item two or more reviewers decided, they decided alike — or a lead has settled it. "
                    "Disputes appear here as reviewers decide.",
                    style="dim",
                )
            )
            table.update(Text(""))
            self._hint()
            return
        aid = item[0]
        self.aid = aid
        cand = self._final(item)
        articles = list(dict.fromkeys(a for a, _ in self.items))
        left = self.left()
        head = Text.assemble(
            (" ADJUDICATION ", "bold reverse magenta"),
            alert,
            f"  item {self.index + 1}/{len(self.items)}",
            f"  ·  article {articles.index(aid) + 1}/{len(articles)}",
            (f"  ·  {left} left", "bold red" if left else "bold green"),
            f"  ·  {who}",
        )
        if self.message:
            head.append(f"  ·  {one_line(self.message, 120)}", style="bold green")
            self.message = ""
        status.update(head)
        try:
            article = self.store.article(aid)
        except StoreError as err:
            title.update(Text(one_line(str(err), 300), style="bold red"))
            body.update(Text(""))
            table.update(Text(""))
            self._hint()
            return
        title.update(Text(one_line(article.get("title") or aid, 200), style="bold"))
        if cand is None:
            body.update(Text("This item is gone (an addition that was undone).", style="dim"))
            table.update(Text(""))
            self._hint()
            return
        base = {**cand, **(cand.get("original") or {})}
        vs = self.in_key_order(cand)
        spans = [(int(v["start"]), int(v["end"])) for v in (_values(base, e) for e in vs)]
        # on a short terminal less text ahead of the item: scrolled to it, the versions' names (which
        # key picks whose) went out of view above (QA, 80x24)
        before = CONTEXT if self.app.size.height >= SHORT else CONTEXT // 5
        shown = context(article["text"], int(base["start"]), int(base["end"]), spans, before)
        body.update(shown)
        table.update(self._versions(base, cand, vs))
        self._hint()
        self.call_after_refresh(self._item_in_view, shown)
        clock = getattr(self.app, "clock", None)
        if clock is not None:
            clock.restart()  # the time spent on this item counts from now

    def _versions(self, base: Cand, cand: Cand, vs: list[dict[str, Any]]) -> RenderableType:
        """The machine's candidate and every reviewer's version side by side, and how it stands."""
        order = [str(e["reviewer"]) for e in vs]
        grid = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
        grid.add_column("", style="bold", no_wrap=True)
        machine = "added by an analyst" if base.get("origin") in ("analyst", "memory") else "the machine"
        grid.add_column(Text(machine, style="dim"))
        for i, e in enumerate(vs):
            key = self.keys.show(f"adjudicate.version_{i + 1}", first=True) if i < 9 else "—"
            grid.add_column(Text(f"{key}  {self.shown_name(str(e['reviewer']), order)}", style="bold reverse"))
        full = [_values(base, e) for e in vs]
        rows: list[tuple[str, Any]] = [("text", lambda c: one_line(c.get("text", ""), 60))]
        rows.append(("offsets", lambda c: f"{c.get('start')}:{c.get('end')}"))
        if base["kind"] == "entity":
            rows.insert(0, ("label", lambda c: one_line(c.get("label", ""), 20)))
        else:
            rows += [
                ("quote", lambda c: one_line(c.get("quote_type", ""), 12)),
                ("speaker", lambda c: _span(c.get("speaker"))),
                ("cue", lambda c: _span(c.get("cue"))),
            ]
        status_row = [Text("—", style="dim")]
        for e in vs:
            st = str(e.get("status"))
            status_row.append(Text(f"{STATUS_MARK.get(st, '?')} {one_line(st, 12)}", style=STATUS_STYLE.get(st, "")))
        grid.add_row("decision", *status_row)
        for label, get in rows:
            ref = get(base)
            cells = [Text(ref)]
            for c, e in zip(full, vs, strict=True):
                value = get(c)
                rejected = e.get("status") == "rejected"
                style = "dim strike" if rejected else ("bold cyan" if value != ref else "")
                cells.append(Text(value, style=style))
            grid.add_row(label, *cells)
        if not self.anonymous:  # when each decided can tell who (QA): names hidden, times too
            grid.add_row("decided", Text(""), *[Text(when(e.get("decided_at")), style="dim") for e in vs])
        final = str(cand.get("status"))
        if final == "disputed":
            verdict = Text.assemble(
                (f"{DISPUTED_MARK} disputed", "bold red"), f": {differing(cand)} — pick one, or decide yourself"
            )
        else:
            settled = [r for r in cand.get("reviews") or () if r.get("adjudication")]
            verdict = Text.assemble(("settled: ", "bold green"), (one_line(final, 12), STATUS_STYLE.get(final, "")))
            if settled:
                last = settled[-1]
                verdict.append(f" by {self.shown_name(str(last['reviewer']), order, ruled=True)}")
                if last.get("chose"):
                    verdict.append(f", choosing {possessive(self.shown_name(str(last['chose']), order))} version")
                changes = fields_text(changed_fields(last))
                if changes and not last.get("chose"):
                    verdict.append(f"  {changes}")
                again = reopened(cand)
                if again:
                    now = {str(r.get("reviewer")) for r in versions(cand)}
                    said = [
                        self.shown_name(w, order) + ("" if w in now else " (undone: the version chosen)") for w in again
                    ]
                    verdict.append_text(
                        Text.assemble(
                            "\n",
                            (f"{DISPUTED_MARK} decided again since by {', '.join(said)}", "bold yellow"),
                            " — the ruling stands until you settle it anew: pick a version, or decide yourself",
                        )
                    )
            else:
                verdict.append(" — the reviewers agree now")
        return Group(grid, Text(""), verdict)

    def _hint(self) -> None:
        k = self.keys
        n = 0
        item = self.current()
        if item is not None:
            cand = self._final(item)
            n = len(versions(cand)) if cand else 0
        pick = (
            f"{k.show('adjudicate.version_1', first=True)}–{k.show(f'adjudicate.version_{min(n, 9)}', first=True)}"
            if n > 1
            else k.show("adjudicate.version_1", first=True)
        )
        back = "quit" if self.standalone else "back to review"  # as the footer says it
        if item is None:  # nothing to pick or decide (QA: "1 pick a version" over an empty screen)
            self.query_one("#adj-hint", Static).update(Text(f"{k.show('adjudicate.close')} {back}", style="dim"))
            return
        self.query_one("#adj-hint", Static).update(
            Text(
                f"{pick} pick a version  ·  {k.show('adjudicate.accept')} accept  ·  "
                f"{k.show('adjudicate.reject')} reject  ·  {k.show('adjudicate.edit')} edit  ·  "
                f"{k.show('adjudicate.undo')} undo  ·  {k.show('adjudicate.redo')} redo  ·  "
                f"{k.show('adjudicate.next')} / "
                f"{k.show('adjudicate.previous')} next / previous  ·  {k.show('adjudicate.close')} {back}",
                style="dim",
            )
        )

    # -- settling ----------------------------------------------------------------------------------

    def _seconds(self) -> float | None:
        clock = getattr(self.app, "clock", None)
        return clock.lap() if clock is not None else None

    def _settle(self, **how: Any) -> None:
        item = self.current()
        if item is None:
            self.notify("nothing to settle here", markup=False, timeout=2)
            return
        try:
            state = self.store.adjudicate(*item, seconds=self._seconds(), **how)
        except StoreError as err:
            self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
            return
        self._tell_review([item])
        self._last = (item, how)
        self._after(state, how)

    def _item_in_view(self, shown: Text) -> None:
        """Scroll so that the item's line of the article excerpt is in view (QA: at 80x24 the excerpt
        below the versions showed its first three lines, the item further down, out of sight). The
        versions stay first: the body scrolls only as far as the item needs."""
        if not self.is_mounted:
            return
        scroller = self.query_one("#adj-body", VerticalScroll)
        box = self.query_one("#adj-context", Static)
        width = box.content_region.width
        at = next((span.start for span in shown.spans if str(span.style) == "bold underline"), None)
        if width <= 0 or at is None:
            return
        line, seen = 0, 0
        for number, piece in enumerate(shown.wrap(self.app.console, width)):
            seen += len(piece.plain) + 1  # (a wrap drops one space, about)
            line = number
            if seen > at:
                break
        # the item's line within the scrolled body: the box's top in it, its border, the line; scrolled
        # from the top each time (review: an item that needs none kept the last one's scroll, its
        # title out of sight)
        top = box.region.y - scroller.region.y + int(scroller.scroll_y) + 1 + line
        visible = scroller.scrollable_content_region.height
        target = top - visible + 2 if top >= visible - 1 else 0
        if int(scroller.scroll_y) != target:
            scroller.scroll_to(y=target, animate=False)

    def _after(self, state: Cand, how: dict[str, Any]) -> None:
        cand = self._final(self.items[self.index])
        order = [str(e["reviewer"]) for e in self.in_key_order(cand)]
        if how.get("choose"):
            what = f"{possessive(self.shown_name(str(how['choose']), order))} version"
        else:
            what = f"your own decision ({one_line(how.get('action', ''), 10)})"
        self.message = f"settled with {what}: {one_line(state.get('status'), 12)}"
        # the key that settles its entity's other mentions alike, said where it applies (R gives it)
        if cand is not None and cand["kind"] == "entity" and self._last is not None:
            try:
                name, rest = self._rest_of_group(*self._last[0])
            except StoreError:
                name, rest = "", []
            if rest:
                self.message += (
                    f" — {self.keys.show('adjudicate.same_for_group')}: same for {len(rest)} more {one_line(name, 24)}"
                )
        if self.left():
            self.index = self._next_open(self.index + 1)
        else:
            self.message += " — every disputed item is settled"
        self.show()

    def action_choose(self, i: int) -> None:
        item = self.current()
        cand = self._final(item) if item else None
        vs = self.in_key_order(cand)
        if not 0 <= i < len(vs):
            self.app.bell()
            self.notify(f"this item has {len(vs)} version{'s' if len(vs) != 1 else ''}", markup=False, timeout=2)
            return
        self._settle(choose=str(vs[i]["reviewer"]))

    def action_decide(self, action: str) -> None:
        self._settle(action=action)

    def action_edit(self) -> None:
        from .dialogs import EditDialog

        item = self.current()
        cand = self._final(item) if item else None
        if item is None or cand is None:
            return
        aid, cid = item
        try:
            text = self.store.article(aid)["text"]
            entities = [
                c
                for c in self.store.candidates(aid, "entity", view="final", plain=True)
                if c.get("status") != "rejected"
            ]
        except StoreError as err:
            self.notify(str(err), severity="error", markup=False, timeout=6)
            return
        # the editor opens on the version in effect — a ruling made already, else the model's (QA: a
        # lead's second edit started from the model's, her own speaker gone); the store takes an
        # adjudication's changes against the model's version, so what the ruling changed goes too
        base = {**cand, **(cand.get("original") or {})}
        editable = ENTITY_EDITS if cand["kind"] == "entity" else CLAIM_EDITS
        ruled = (
            {k: cand[k] for k in editable if k in cand and cand[k] != base.get(k)} if cand.get("adjudication") else {}
        )
        shown = {**(cand if ruled else base), "status": "pending"}

        def save(changes: dict[str, Any]) -> str | None:
            try:
                state = self.store.adjudicate(
                    aid, cid, action="edit", changes={**ruled, **changes}, seconds=self._seconds()
                )
            except StoreError as err:
                return str(err)
            self._tell_review([(aid, cid)])
            # (R gives a relabel to the other mentions; a span is this mention's own)
            moved = any(k in changes and changes[k] != shown.get(k) for k in ("start", "end"))
            label = changes.get("label") if cand["kind"] == "entity" and not moved else None
            self._last = ((aid, cid), {"action": "edit", "changes": {"label": label}}) if label else None
            if self.current() == (aid, cid):
                self._after(state, {"action": "edit"})
            return None

        self.app.push_screen(EditDialog(shown, text, entities, LABELS, save, self.keys))

    def action_same_for_group(self) -> None:
        """The ruling just made, for the rest of that entity's mentions still to settle, each its own
        adjudication (QA, stop 46: a group two reviewers decided apart — "Clinton ×3", "Russia ×16" —
        took a key per mention, where the review screen's R takes one)."""
        if self._last is None:
            self.notify(
                f"settle one mention first; then {self.keys.show('adjudicate.same_for_group')} gives the same "
                "ruling to the rest of its entity's mentions",
                markup=False,
                timeout=4,
            )
            return
        (aid, cid), how = self._last
        try:
            name, rest = self._rest_of_group(aid, cid)
        except StoreError as err:
            self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
            return
        if not rest:
            self.notify("no other mention of that entity is left to settle", markup=False, timeout=3)
            return
        done: list[Item] = []
        refused: list[str] = []
        for item in rest:
            try:
                self.store.adjudicate(*item, seconds=self._seconds(), **how)
            except StoreError as err:
                refused.append(str(err))
                continue
            done.append(item)
        self._tell_review(done)
        self.message = f"the same ruling for {len(done)} more mention{'s' if len(done) != 1 else ''} of {name}"
        if refused:
            self.message += f"; {len(refused)} not: {one_line(refused[0], 80)}"
        if self.left():
            self.index = self._next_open(self.index)
        else:
            self.message += " — every disputed item is settled"
        self.show()

    def _rest_of_group(self, aid: str, cid: str) -> tuple[str, list[Item]]:
        """The name of ``cid``'s entity and its other mentions still to settle here (none for a
        claim, or a mention alone) — grouped as extracted (or added): a relabel just ruled must not
        part the mention from its group."""
        from extractors.groups import entity_groups

        ents = self.store.candidates(aid, "entity", view="final", plain=True)
        if not any(c["id"] == cid for c in ents):
            return "", []
        groups = entity_groups(aid, [{**c, **(c.get("original") or {})} for c in ents if c["status"] != "removed"])
        group = next((g for g in groups.values() if cid in g["mentions"]), None)
        if group is None:
            return "", []
        rest = [(aid, m) for m in group["mentions"] if m != cid and (aid, m) in self.items]
        return one_line(group["name"], 40), [item for item in rest if self.is_open(item)]

    def _step(self, which: str) -> None:
        """Undo (or redo) the lead's latest adjudication — not their own review decisions, which this
        screen does not show (the review screen's u walks every step)."""
        fn = self.store.undo_last if which == "undo" else self.store.redo_last
        try:
            group = fn(adjudications=True)
        except StoreError as err:
            self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
            return
        if not group:
            self.notify(f"no adjudication to {which}", markup=False, timeout=2)
            return
        self._tell_review(group)
        target = group[0]
        if target not in self.items:
            self._merge(disputed_items(self.store, [target[0]]))
        if target in self.items:
            self.index = self.items.index(target)
        self.message = f"{which}: {len(group)} decision{'s' if len(group) > 1 else ''}"
        self.show()

    def _tell_review(self, group: list[Item]) -> None:
        """The review screen under this one reads these candidates again: a ruling changes what its
        detail panel says of them (QA: "agreed by ana, bob" until a restart), and the lead's last
        step undone may have been a review decision of theirs (undo walks every step of theirs)."""
        from .review import ReviewScreen

        decided: dict[str, set[str]] = {}
        for aid, cid in group:
            decided.setdefault(aid, set()).add(cid)
        self._forget(decided)
        for screen in self.app.screen_stack:
            if isinstance(screen, ReviewScreen):
                screen.live_changed(Changes(decided=decided), screen.presence)

    def action_undo(self) -> None:
        self._step("undo")

    def action_redo(self) -> None:
        self._step("redo")

    def action_move(self, delta: int) -> None:
        if self.items:
            self.index = max(0, min(len(self.items) - 1, self.index + delta))
            self.show()

    def action_help(self) -> None:
        from .help import HelpScreen

        # this screen's own keys first (QA, stop 46: the help opened on the review screen's, where
        # `1` relabels — here it picks version 1 — and the adjudication's were pages further down)
        own = [s for s in SECTIONS if s[0] == "Adjudication"]
        self.app.push_screen(HelpScreen(own + [s for s in SECTIONS if s not in own], self.keys, help_notes(self.keys)))

    def action_close(self) -> None:
        if self.standalone:
            self.app.exit()
        else:
            self.dismiss(None)

    def action_quit(self) -> None:
        self.app.exit()

    # -- live: others keep deciding ----------------------------------------------------------------

    def _merge(self, found: list[Item]) -> None:
        """Add newly disputed items in their place (article order, then text order)."""
        new = [item for item in found if item not in self.items]
        if not new:
            return
        current = self.current()
        order = {aid: i for i, aid in enumerate(self.store.article_ids())}
        self.items = sorted(self.items + new, key=lambda it: (order.get(it[0], len(order)), self._start(it), it[1]))
        if current is not None:
            self.index = self.items.index(current)

    def live_changed(self, changes: Changes, presence: Presence) -> None:
        if changes.index or changes.extracted:  # the label set, a re-extraction: anything may have changed
            self._open.clear()
            self._starts.clear()
        if not changes.decided or not self.query("#adj-status"):  # nothing for it, or not composed yet
            return
        self._forget(changes.decided)
        self._merge(disputed_items(self.store, [a for a in self.store.article_ids() if a in changes.decided]))
        if self.items and not 0 <= self.index < len(self.items):
            self.index = 0
        self.show()

    def live_alert(self, text: str) -> None:
        self.alert = text
        if self.query("#adj-status"):
            self.show()


def _shuffled(key: bytes, cid: str, name: str) -> bytes:
    """A reviewer's place among an item's versions when names are hidden: fixed for the item, not
    tied to the name's order, and not to be worked out without the screen's key."""
    return hashlib.blake2b(f"{cid}\0{name}".encode("utf-8", "surrogatepass"), key=key, digest_size=8).digest()
