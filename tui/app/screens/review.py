"""The review screen: article on the left, Entities | Claims and the detail panel on the right.

Every decision goes to the store first; the screen changes only after the store returned (so what
the analyst sees as decided is on disk). A failed write is a notification and nothing changes.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...store import StoreError
from ..text import one_line
from ..widgets.article import ArticleView
from ..widgets.candidates import CandidateList
from ..widgets.detail import detail

LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "CARDINAL", "MONEY", "PERCENT", "EVENT"]


def matches(cand: dict[str, Any], query: str) -> bool:
    """Filter terms: status:X label:X kind:X, anything else matches text, label or speaker."""
    for term in query.lower().split():
        key, _, value = term.partition(":")
        if value and key in ("status", "label", "kind", "type"):
            field = {"type": "quote_type"}.get(key, key)
            if str(cand.get(field, "")).lower() != value:
                return False
            continue
        hay = " ".join(
            [
                cand["text"],
                cand.get("label", ""),
                cand.get("quote_type", ""),
                ((cand.get("speaker") or {}).get("name") or ""),
            ]
        ).lower()
        if term not in hay:
            return False
    return True


class ReviewScreen(Screen):
    AUTO_FOCUS = None  # keys go to the screen; the article pane takes focus only in cursor mode (v)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "accept", id="review.accept"),
        Binding("x", "decide('reject')", "reject", id="review.reject"),
        Binding("space", "skip", "skip", id="review.skip"),
        Binding("u,backspace", "undo", "undo", id="review.undo"),
        Binding("U", "redo", "redo", id="review.redo"),
        Binding("j,down", "move(1)", "next", show=False, id="review.next"),
        Binding("k,up", "move(-1)", "previous", show=False, id="review.previous"),
        Binding("g", "jump('first')", "first", show=False, id="review.first"),
        Binding("G", "jump('last')", "last", show=False, id="review.last"),
        Binding("tab", "switch_kind", "entities/claims", id="review.switch"),
        Binding("n", "article(1)", "next article", show=False, id="review.next_article"),
        Binding("p", "article(-1)", "prev article", show=False, id="review.prev_article"),
        Binding("N", "next_pending_article", "next pending article", show=False, id="review.next_pending"),
        *[
            Binding(str((i + 1) % 10), f"relabel({i})", f"label {LABELS[i]}", show=False, id=f"review.label_{i + 1}")
            for i in range(10)
        ],
        Binding("left_square_bracket", "boundary('start', -1)", "start ←", show=False, id="review.start_left"),
        Binding("right_square_bracket", "boundary('start', 1)", "start →", show=False, id="review.start_right"),
        Binding("comma", "boundary('end', -1)", "end ←", show=False, id="review.end_left"),
        Binding("full_stop", "boundary('end', 1)", "end →", show=False, id="review.end_right"),
        Binding("m", "char_mode", "char mode", show=False, id="review.char_mode"),
        Binding("enter", "confirm_boundary", "confirm edit", id="review.confirm"),
        Binding("escape", "escape", "cancel", show=False, id="review.cancel"),
        Binding("e", "edit", "edit", id="review.edit"),
        Binding("v", "cursor_mode", "select text", id="review.cursor_mode"),
        Binding("A", "bulk_accept", "accept all like this", show=False, id="review.bulk_accept"),
        Binding("slash", "filter", "filter", id="review.filter"),
        Binding("o", "toggle_order", "claim order", show=False, id="review.order"),
        Binding("l", "queue", "articles", id="review.queue"),
        Binding("plus", "add_articles", "add articles", show=False, id="review.add_articles"),
        Binding("E", "export", "export", show=False, id="review.export"),
        Binding("question_mark", "help", "help", id="review.help"),
        Binding("q", "quit", "quit", id="review.quit"),
    ]

    def __init__(self, store: Any, start_article: str | None = None, model: str | None = None) -> None:
        super().__init__()
        self.model = model
        self.busy = ""  # shown in the status bar while the worker extracts
        self._nlp_cache: dict[str, Any] = {}
        self.store = store
        self.start_article = start_article
        self.aid: str | None = None
        self.article: dict[str, Any] = {}
        self.cands: dict[str, dict[str, Any]] = {}
        self.kind = "entity"
        self.index = {"entity": 0, "claim": 0}
        self.order = "checkworthiness"
        self.filter = ""
        self.preview: dict[str, Any] | None = None
        self.char_mode = False
        self.since = time.monotonic()
        self.message = ""  # shown once in the status bar (cheaper than a toast on the keypress path)

    # -- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="status-bar")
        with Horizontal(id="main"):
            with Vertical(id="article-col"):
                yield Static(id="article-title")
                yield ArticleView(id="article")
            with Vertical(id="side"):
                yield Static(id="tabs")
                yield CandidateList("entity", id="entities")
                yield CandidateList("claim", id="claims")
                yield Static(id="detail")
        yield Input(
            placeholder="filter: words, status:pending, label:PERSON, kind:claim — enter applies, escape clears",
            id="filter",
        )
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = False
        box.disabled = True  # not focusable until / opens it
        self.query_one("#claims").display = False
        ids = self.store.article_ids()
        if not ids:
            self.show_empty()
            return
        first = self.start_article if self.start_article in ids else (self.store.next_pending_article() or ids[0])
        self.load_article(first)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

    def show_empty(self) -> None:
        self.aid = None
        self.query_one("#article-title", Static).update(Text("No articles in this store yet", style="bold"))
        self.query_one("#detail", Static).update(
            Text(
                f"Store: {self.store.folder}\n\nPress + to add a file or folder here, or quit with q and run:\n\n"
                "  newsreview add article.txt feed.jsonl folder/\n\nor open some directly:\n\n"
                "  newsreview examples/uk-russia-iran-drones.txt"
            )
        )
        self.refresh_status()

    # -- article ---------------------------------------------------------------------------------------

    def load_article(self, aid: str, *, focus: str | None = None) -> None:
        try:
            self.article = self.store.article(aid)
            cands = self.store.candidates(aid)
        except StoreError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        self.aid = aid
        self.cands = {c["id"]: c for c in cands}
        self.preview = None
        self.query_one("#article-title", Static).update(self._title_line())
        view = self.query_one(ArticleView)
        view.set_article(self.article["text"], cands, self.article.get("tokens") or [])
        self.fill_tables()
        pending = [k for k in ("entity", "claim") if any(self._pending(c) for c in self.visible(k))]
        if focus and focus in self.cands:
            self.kind = self.cands[focus]["kind"]
        elif pending and self.kind not in pending:
            self.kind = pending[0]
        self._show_kind()
        if focus and focus in self.cands:
            self.index[self.kind] = (
                self.visible_ids(self.kind).index(focus) if focus in self.visible_ids(self.kind) else 0
            )
        else:
            self.index = {k: self._first_pending(k) for k in ("entity", "claim")}
        self.set_current()

    def _title_line(self) -> Text:
        art = self.article
        meta = " · ".join(one_line(str(art[k]), 60) for k in ("source", "published", "url") if art.get(k))
        line = Text()
        title = art.get("title") or art["id"]
        if not art["text"].lstrip().startswith(title):
            line.append(one_line(title, 160), style="bold")
            line.append("  ")
        line.append(meta or art["id"], style="dim")
        return line

    def visible(self, kind: str) -> list[dict[str, Any]]:
        items = [c for c in self.cands.values() if c["kind"] == kind and (not self.filter or matches(c, self.filter))]
        if kind == "claim" and self.order == "checkworthiness":
            items.sort(key=lambda c: (-c.get("checkworthiness", 0), c["start"], c["end"]))
        else:
            items.sort(key=lambda c: (c["start"], c["end"], c["id"]))
        return items

    def visible_ids(self, kind: str) -> list[str]:
        return self.query_one("#entities" if kind == "entity" else "#claims", CandidateList).ids

    def table(self, kind: str | None = None) -> CandidateList:
        return self.query_one("#entities" if (kind or self.kind) == "entity" else "#claims", CandidateList)

    def fill_tables(self) -> None:
        for kind in ("entity", "claim"):
            self.table(kind).fill(self.visible(kind))

    def refill(self, *, fallback: int | None = None) -> None:
        """Rebuild both lists (after a filter, order or membership change), keeping the current
        candidate selected while it is still listed; else ``fallback`` (None keeps the position)."""
        current = self.current()
        self.fill_tables()
        ids = self.visible_ids(self.kind)
        if current and current["id"] in ids:
            self.index[self.kind] = ids.index(current["id"])
        elif fallback is not None:
            self.index[self.kind] = fallback
        self._show_kind()

    def _show_kind(self) -> None:
        self.query_one("#entities").display = self.kind == "entity"
        self.query_one("#claims").display = self.kind == "claim"
        tabs = Text()
        for kind, name in (("entity", "Entities"), ("claim", "Claims")):
            n = sum(1 for c in self.cands.values() if c["kind"] == kind)
            tabs.append(f" {name} ({n}) ", style="reverse bold" if kind == self.kind else "dim")
            tabs.append(" ")
        tabs.append("tab switches", style="dim italic")
        self.query_one("#tabs", Static).update(tabs, layout=False)

    @staticmethod
    def _pending(cand: dict[str, Any]) -> bool:
        return cand.get("status", "pending") == "pending"

    def _first_pending(self, kind: str) -> int:
        ids = self.visible_ids(kind)
        return next((i for i, cid in enumerate(ids) if self._pending(self.cands[cid])), 0)

    def current(self) -> dict[str, Any] | None:
        ids = self.visible_ids(self.kind)
        if not ids:
            return None
        i = max(0, min(self.index[self.kind], len(ids) - 1))
        self.index[self.kind] = i
        return self.cands.get(ids[i])

    def set_current(self, *, scroll: bool = True) -> None:
        cand = self.current()
        view = self.query_one(ArticleView)
        view.set_current(cand["id"] if cand else None, scroll=scroll)
        if cand:
            self.table().show(self.index[self.kind])
        self.since = time.monotonic()
        self.refresh_detail()
        self.refresh_status()

    def refresh_detail(self) -> None:
        cand = self.current()
        history = self.store.history(self.aid, cand["id"]) if cand and self.aid else []
        shown = dict(cand) if cand else None
        if shown is not None and self.preview is not None:
            shown.update(
                start=self.preview["start"],
                end=self.preview["end"],
                text=self.article["text"][self.preview["start"] : self.preview["end"]],
            )
        self.query_one("#detail", Static).update(detail(shown, history, LABELS), layout=False)

    def refresh_status(self) -> None:
        ids = self.store.article_ids()
        bar = Text()
        bar.append(" newsreview ", style="bold reverse")
        if self.aid:
            decided, total = self.store.progress(self.aid)
            bar.append(f"  article {ids.index(self.aid) + 1}/{len(ids)}  ·  {decided}/{total} decided here")
        sd, st = self.store.totals()
        bar.append(f"  ·  store {sd}/{st}  ·  reviewer {self.store.reviewer}")
        if self.filter:
            bar.append("  ·  filter: ", style="bold")
            bar.append(one_line(self.filter, 40), style="yellow")
        if self.busy:
            bar.append(f"  ·  {self.busy}", style="bold yellow blink")
        if self.message:
            bar.append(f"  ·  {self.message}", style="bold green")
            self.message = ""
        if self.preview is not None:
            bar.append(
                f"  ·  EDITING BOUNDARIES{' (chars)' if self.char_mode else ' (tokens)'}: "
                "[ ] start  , . end  enter saves  escape cancels",
                style="bold magenta",
            )
        elif self.char_mode:
            bar.append("  ·  char mode", style="magenta")
        self.query_one("#status-bar", Static).update(bar, layout=False)

    # -- applying store results ------------------------------------------------------------------------

    def apply_states(self, states: list[dict[str, Any]]) -> None:
        view = self.query_one(ArticleView)
        refill = False
        for state in states:
            if state.get("status") == "removed":
                self.cands.pop(state["id"], None)
                refill = True
                continue
            old = self.cands.get(state["id"])
            self.cands[state["id"]] = state
            if (
                old is None
                or (state["kind"] == "claim" and old.get("checkworthiness") != state.get("checkworthiness"))
                or (self.filter and matches(old, self.filter) != matches(state, self.filter))
            ):
                refill = True
            else:
                self.table(state["kind"]).update(state)
        view.update_candidates(states)
        if refill:
            self.refill()

    def _write(self, fn, *args, **kwargs) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreError as err:
            self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
            return None

    # -- actions -----------------------------------------------------------------------------------------

    def action_decide(self, action: str) -> None:
        cand = self.current()
        if cand is None or self.aid is None:
            self.notify("nothing to decide here", markup=False)
            return
        if self.preview is not None:
            self.action_escape()
        state = self._write(self.store.decide, self.aid, cand["id"], action, seconds=time.monotonic() - self.since)
        if state is None:
            return
        self.apply_states([state])
        self.next_pending()

    def next_pending(self) -> None:
        ids = self.visible_ids(self.kind)
        i = self.index[self.kind]
        order = list(range(i + 1, len(ids))) + list(range(0, i + 1))
        nxt = next((j for j in order if self._pending(self.cands[ids[j]])), None)
        if nxt is None:
            other = "claim" if self.kind == "entity" else "entity"
            oids = self.visible_ids(other)
            if any(self._pending(self.cands[c]) for c in oids):
                self.kind = other
                self.index[other] = self._first_pending(other)
                self._show_kind()
                self.message = (
                    f"all {'entities' if other == 'claim' else 'claims'} decided; now the "
                    f"{'claims' if other == 'claim' else 'entities'}"
                )
            else:
                self.message = "article done — N opens the next article with pending items"
                nxt = min(i + 1, len(ids) - 1) if ids else 0
                self.index[self.kind] = nxt
        else:
            self.index[self.kind] = nxt
        self.set_current()

    def action_skip(self) -> None:
        self.action_move(1)

    def action_move(self, delta: int) -> None:
        if self.preview is not None:
            return
        ids = self.visible_ids(self.kind)
        if ids:
            self.index[self.kind] = max(0, min(len(ids) - 1, self.index[self.kind] + delta))
            self.set_current()

    def action_jump(self, where: str) -> None:
        ids = self.visible_ids(self.kind)
        if ids:
            self.index[self.kind] = 0 if where == "first" else len(ids) - 1
            self.set_current()

    def action_switch_kind(self) -> None:
        if self.preview is not None:
            self.action_escape()
        self.kind = "claim" if self.kind == "entity" else "entity"
        self._show_kind()
        self.set_current()

    def action_article(self, delta: int) -> None:
        ids = self.store.article_ids()
        if not ids or self.aid is None:
            return
        i = ids.index(self.aid) + delta
        if 0 <= i < len(ids):
            self.load_article(ids[i])
        else:
            self.notify("no more articles that way", markup=False, timeout=2)

    def action_next_pending_article(self) -> None:
        nxt = self.store.next_pending_article(after=self.aid)
        if nxt is None:
            self.notify("every article is fully reviewed", markup=False)
        else:
            self.load_article(nxt)

    def action_undo(self) -> None:
        self._history_step("undo")

    def action_redo(self) -> None:
        self._history_step("redo")

    def _history_step(self, which: str) -> None:
        if self.preview is not None:
            self.action_escape()
            return
        fn = self.store.undo_last if which == "undo" else self.store.redo_last
        group = self._write(fn)
        if group is None:
            return
        if not group:
            self.notify(f"nothing to {which}", markup=False, timeout=2)
            return
        aid, cid = group[0]
        if aid != self.aid:
            self.load_article(aid, focus=cid)
        else:
            states = [self.store.candidate_or_added(a, c) for a, c in group if a == aid]
            self.apply_states(states)
            if cid in self.visible_ids(self.cands.get(cid, {}).get("kind", self.kind)):
                self.kind = self.cands[cid]["kind"]
                self._show_kind()
                self.index[self.kind] = self.visible_ids(self.kind).index(cid)
            self.set_current()
        self.notify(f"{which}: {len(group)} decision{'s' if len(group) > 1 else ''}", markup=False, timeout=2)

    def action_relabel(self, i: int) -> None:
        cand = self.current()
        if cand is None or cand["kind"] != "entity":
            self.notify("number keys relabel entities (switch with tab)", markup=False, timeout=2)
            return
        label = LABELS[i]
        if label == cand["label"]:
            state = self._write(
                self.store.decide, self.aid, cand["id"], "accept", seconds=time.monotonic() - self.since
            )
        else:
            state = self._write(
                self.store.decide,
                self.aid,
                cand["id"],
                "edit",
                changes={"label": label},
                seconds=time.monotonic() - self.since,
            )
        if state is not None:
            self.apply_states([state])
            self.next_pending()

    # boundaries --------------------------------------------------------------------------------------------

    def action_char_mode(self) -> None:
        self.char_mode = not self.char_mode
        self.refresh_status()

    def action_boundary(self, edge: str, direction: int) -> None:
        cand = self.current()
        if cand is None:
            return
        if self.preview is None:
            self.preview = {"id": cand["id"], "start": cand["start"], "end": cand["end"]}
        start, end = self.preview["start"], self.preview["end"]
        text = self.article["text"]
        tokens = self.article.get("tokens") or []
        pos = start if edge == "start" else end
        if self.char_mode or not tokens:
            pos += direction
        elif edge == "start":
            pos = (
                next((s for s, _ in reversed(tokens) if s < pos), pos)
                if direction < 0
                else next((s for s, _ in tokens if s > pos), pos)
            )
        else:
            pos = (
                next((e for _, e in reversed(tokens) if e < pos), pos)
                if direction < 0
                else next((e for _, e in tokens if e > pos), pos)
            )
        if edge == "start":
            start = pos
        else:
            end = pos
        if not (0 <= start < end <= len(text)) or not text[start:end].strip():
            self.bell()
            return
        self.preview.update(start=start, end=end)
        self.query_one(ArticleView).set_preview(dict(self.preview))
        self.refresh_detail()
        self.refresh_status()

    def action_confirm_boundary(self) -> None:
        if self.preview is None:
            self.action_decide("accept")
            return
        cand = self.cands[self.preview["id"]]
        changes = {k: self.preview[k] for k in ("start", "end") if self.preview[k] != cand[k]}
        preview, self.preview = self.preview, None
        self.query_one(ArticleView).set_preview(None)
        if not changes:
            self.refresh_status()
            return
        state = self._write(
            self.store.decide, self.aid, preview["id"], "edit", changes=changes, seconds=time.monotonic() - self.since
        )
        if state is not None:
            self.apply_states([state])
            self.notify(f"edited: {one_line(state['text'], 60)}", markup=False, timeout=2)
        self.set_current()

    def action_escape(self) -> None:
        if self.preview is not None:
            self.preview = None
            self.query_one(ArticleView).set_preview(None)
            self.refresh_detail()
            self.refresh_status()
        elif self.filter:
            self.apply_filter("")

    # editing, adding ---------------------------------------------------------------------------------------

    def action_edit(self) -> None:
        from .dialogs import EditDialog

        cand = self.current()
        if cand is None:
            return
        entities = [c for c in self.cands.values() if c["kind"] == "entity" and c.get("status") != "rejected"]

        def save(changes: dict[str, Any]) -> str | None:
            try:
                state = self.store.decide(
                    self.aid, cand["id"], "edit", changes=changes, seconds=time.monotonic() - self.since
                )
            except StoreError as err:
                return str(err)
            self.apply_states([state])
            self.set_current()
            return None

        self.app.push_screen(EditDialog(cand, self.article["text"], entities, LABELS, save))

    def action_cursor_mode(self) -> None:
        if self.aid is None:
            return
        cand = self.current()
        view = self.query_one(ArticleView)
        view.enter_cursor_mode(cand["start"] if cand else int(view.scroll_y) and view.lines[int(view.scroll_y)][0])
        self.notify(
            "select with shift+←/→ (H/L), then e: new entity, c: new claim; escape goes back", markup=False, timeout=4
        )

    @on(ArticleView.Left)
    def _article_left(self) -> None:
        self.set_current(scroll=False)

    @on(ArticleView.Create)
    def _create(self, event: ArticleView.Create) -> None:
        from .dialogs import LabelPicker

        text = self.article["text"]
        if event.kind == "claim":
            self._add({"kind": "claim", "start": event.start, "end": event.end, "quote_type": "none"})
            return

        def picked(label: str | None) -> None:
            if label:
                self._add({"kind": "entity", "start": event.start, "end": event.end, "label": label})

        self.app.push_screen(LabelPicker(one_line(text[event.start : event.end], 60), LABELS), picked)

    def _add(self, fields: dict[str, Any]) -> None:
        state = self._write(self.store.add_candidate, self.aid, fields, seconds=time.monotonic() - self.since)
        if state is None:
            return
        view = self.query_one(ArticleView)
        view.action_leave()
        self.apply_states([state])  # a new candidate: the lists are rebuilt there
        self.kind = state["kind"]
        if state["id"] not in self.visible_ids(self.kind):
            self.apply_filter("")  # the filter would hide what was just added
        self._show_kind()
        self.index[self.kind] = self.visible_ids(self.kind).index(state["id"])
        self.set_current()
        self.notify(f"added {state['kind']}: {one_line(state['text'], 50)}", markup=False, timeout=2)

    def action_bulk_accept(self) -> None:
        from .dialogs import Confirm

        cand = self.current()
        if cand is None:
            return
        if cand["kind"] == "entity":
            group = [c for c in self.visible("entity") if self._pending(c) and c["label"] == cand["label"]]
            what = f"{len(group)} pending {cand['label']} entities"
        else:
            cw = cand.get("checkworthiness", 0)
            group = [c for c in self.visible("claim") if self._pending(c) and c.get("checkworthiness", 0) >= cw]
            what = f"{len(group)} pending claims with check-worthiness ≥ {cw:.2f}"
        if not group:
            self.notify("nothing pending like this", markup=False, timeout=2)
            return

        def go(ok: bool | None) -> None:
            if not ok:
                return
            states = self._write(self.store.decide_many, self.aid, [(c["id"], "accept", None) for c in group])
            if states is not None:
                self.apply_states(states)
                self.notify(f"accepted {len(states)} (one undo reverts them all)", markup=False, timeout=3)
                self.next_pending()

        self.app.push_screen(Confirm(f"Accept {what} in this article?"), go)

    # filter, order, other screens -------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.disabled = False
        box.value = self.filter
        box.focus()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.apply_filter(event.value.strip())

    def apply_filter(self, query: str) -> None:
        box = self.query_one("#filter", Input)
        box.display = bool(query)
        box.disabled = True
        self.filter = query
        box.value = query
        self.set_focus(None)
        self.refill(fallback=0)
        self.set_current()

    def on_key(self, event: Any) -> None:
        box = self.query_one("#filter", Input)
        if event.key == "escape" and box.has_focus:
            event.stop()
            self.apply_filter("")

    def action_toggle_order(self) -> None:
        self.order = "article" if self.order == "checkworthiness" else "checkworthiness"
        self.refill()
        self.set_current()
        self.notify(f"claims in {self.order} order", markup=False, timeout=2)

    def action_queue(self) -> None:
        from .queue import QueueScreen

        def chosen(aid: str | None) -> None:
            if aid:
                self.load_article(aid)

        self.app.push_screen(QueueScreen(self.store, self.aid), chosen)

    def action_add_articles(self) -> None:
        from .add import PathPrompt, extract_paths

        if self.busy:
            self.notify("still adding the previous articles", markup=False, timeout=2)
            return

        def go(path: str | None) -> None:
            if not path:
                return
            first = "extractor" not in self._nlp_cache
            self.busy = (
                "loading the spaCy model, then extracting…" if first else "extracting…"
            ) + f" {one_line(path, 40)}"
            self.refresh_status()
            self.run_worker(
                lambda: self.post_message(extract_paths(path, self.model, self._nlp_cache)),
                thread=True,
                exit_on_error=False,
                group="nlp",
                exclusive=False,
            )

        self.app.push_screen(PathPrompt(), go)

    def on_extracted(self, message: Any) -> None:
        """The worker's results, stored here on the main thread."""
        self.busy = ""
        added, dup, failed = [], 0, list(message.failed)
        for extraction in message.extractions:
            result = self._write(self.store.add_article, extraction)
            if result is None:
                break
            status, aid = result
            if status == "added":
                added.append(aid)
            else:
                dup += 1
        for reason in failed:
            self.notify(reason, severity="error", markup=False, timeout=8)
        self.notify(f"added {len(added)}, duplicate {dup}, failed {len(failed)}", markup=False, timeout=4)
        if added:
            self.load_article(added[0])
        else:
            self.refresh_status()

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            self.busy = ""
            self.notify(f"adding failed: {event.worker.error}", severity="error", markup=False, timeout=8)
            self.refresh_status()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_export(self) -> None:
        self.app.action_export()

    async def action_quit(self) -> None:
        self.app.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm_boundary":
            return True
        if (
            action in ("decide", "edit", "bulk_accept", "relabel", "boundary", "cursor_mode", "queue")
            and self.aid is None
        ):
            return None
        return True
