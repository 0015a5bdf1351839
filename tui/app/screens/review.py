"""The review screen: article on the left, Entities | Claims and the detail panel on the right.

Every decision goes to the store first; the screen changes only after the store returned (so what
the analyst sees as decided is on disk). A failed write is a notification and nothing changes.

The screen holds the bindings and thin actions: what is listed and current lives in
:class:`~tui.app.state.ReviewState` (no Textual), span steps in :mod:`tui.app.spans`, and
:meth:`ReviewScreen.show` is the one place that puts the state on the widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from ...store import DecisionError, StoreError
from ...store.store import Changes
from .. import spans
from ..bindings import REVIEW, SECTIONS, Keys, help_notes, mode_hint
from ..desk import present_here
from ..fields import ClaimFielder, Fields, Then, not_computed
from ..live import LiveFeed, Presence
from ..state import ActiveClock, FilterError, ReviewState, is_pending, label_order
from ..text import one_line
from ..widgets.article import ArticleView
from ..widgets.candidates import SPEAKER_FROM, CandidateList
from ..widgets.detail import DetailPanel, detail, group_detail
from ..widgets.footer import ReviewFooter
from ..widgets.status import StatusBar
from .add import ArticleAdder, PathPrompt

if TYPE_CHECKING:
    from ...store import ReviewStore

P = ParamSpec("P")
T = TypeVar("T")
Cand = dict[str, Any]

#: actions that still work while the article pane has the keys (cursor mode, v)
CURSOR_MODE_ACTIONS = {"char_mode", "find", "find_next", "help", "quit", "export"}
#: the screen's own actions (the article pane's keys come first while it has the focus)
REVIEW_ACTIONS = {b.action.split("(")[0] for b in REVIEW}
#: actions that need an open article
ARTICLE_ACTIONS = {
    "decide",
    "edit",
    "bulk_accept",
    "relabel",
    "boundary",
    "cursor_mode",
    "confirm_boundary",
    "mentions",
    "find",
    "find_next",
    "char_mode",
    "skip",
    "move",
    "jump",
    "switch_kind",
    "toggle_order",
    "filter",
}
ARTICLE_ACTIONS |= {"expand", "collapse", "apply_rest", "relabel_picker", "confirm_suggestions"}
#: seconds after the last decision before suggestions and proposals are read again from the store
SYNC_AFTER = 0.6
#: the status bar while a claim's decision waits for the spaCy pipeline (its numbers, check-worthiness)
FIELDS_WAIT = "loading the spaCy model for the claim's numbers and check-worthiness…"
#: the status bar on the claims while the pipeline cannot be loaded (the decisions are saved without)
FIELDS_OFF = "claim fields could not be computed (spaCy model did not load): new scores stay 0"


class ReviewScreen(Screen[None]):
    AUTO_FOCUS = None  # keys go to the screen; the article pane takes focus only in cursor mode (v)
    BINDINGS: ClassVar[list[BindingType]] = list(REVIEW)

    def __init__(
        self,
        store: ReviewStore,
        keys: Keys,
        clock: ActiveClock,
        start_article: str | None = None,
        model: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.keys = keys
        self.clock = clock
        self.start_article = start_article
        self.model = model
        self.state = ReviewState()
        self._sync_timer: Timer | None = None  # reads suggestions again once decisions pause
        self._hidden_suggestions = 0  # pending suggestions on candidates the label set hides
        self.aid: str | None = None
        self.article: dict[str, Any] = {}
        self.preview: tuple[int, int] | None = None  # boundary edit in progress on preview_id
        self.preview_id: str | None = None
        self.char_mode = False
        self.busy = ""  # shown in the status bar while the ArticleAdder reads or extracts
        self.message = ""  # shown once in the status bar (cheaper than a toast on the keypress path)
        self.find_query = ""
        self._shown: str | None = None  # the candidate the clock runs for
        self._tabs_shown: Text | None = None  # what the tab line shows (repainted only when it changes)
        self._feed: LiveFeed | None = None  # looked up once: a DOM query on every key adds up
        self.box: str | None = None  # the input open at the bottom: "filter" or "find"
        self._article_view: ArticleView | None = None  # check_action's, once mounted
        self.claim_flow: dict[str, Any] | None = None  # a new claim being built by selection (see _create)

    # -- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status-bar")
        with Horizontal(id="main"):
            with Vertical(id="article-col"):
                yield Static(id="article-meta")
                yield ArticleView(id="article")
            with Vertical(id="side"):
                yield Static(id="tabs")
                yield CandidateList("entity", id="entities")
                yield CandidateList("claim", id="claims")
                yield DetailPanel(id="detail")
        yield Input(
            placeholder="filter: words, status:pending, label:PERSON, kind:claim, type:direct — enter applies",
            id="filter",
        )
        yield Input(placeholder="find in the article — enter goes to the next match", id="find")
        yield ReviewFooter()
        adder = ArticleAdder(self.store, self.model)
        yield adder
        yield ClaimFielder(self.model, adder.cache)  # one loaded extractor for both
        yield LiveFeed(self.store)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.display = False
            box.disabled = True  # not focusable until / or find opens it
        self.query_one("#claims").display = False
        self.query_one(StatusBar).reviewer = str(self.store.reviewer)
        for rows in self.query(CandidateList):
            rows.me = self.store.reviewer  # others' decisions marked on the rows
        ids = self.store.article_ids()
        if not ids:
            self.show_empty()
            return
        first = self.start_article if self.start_article in ids else None
        try:
            wanted = first or self._left_off(ids) or self.store.next_pending_article() or ids[0]
        except StoreError:  # a damaged article on the way: start at the first that reads
            wanted = ids[0]
        # an article whose file is damaged is reported (load_article notifies) and the next one opened
        for aid in list(dict.fromkeys([wanted, *ids]))[:20]:
            if self.load_article(aid):
                return
        self.show_empty()
        self.query_one("#article-col").border_title = Text("No article could be read: run newsreview doctor")

    def on_resize(self) -> None:
        narrow = self.size.width < 110
        self.set_class(narrow, "-narrow")
        self.set_class(self.size.width >= 150, "-wide")  # the lists take more room
        for kind in ("entity", "claim"):
            self.table(kind).set_speaker_column(self.size.width >= SPEAKER_FROM)
        footer = self.query_one(Footer)
        footer.compact = narrow
        # narrow: the keys of the review take the whole line (the palette is in the help, ? lists it);
        # the palette's key docked at the right edge also overlapped the last key and left a stray cell
        footer.show_command_palette = not narrow
        self.call_after_refresh(self._reveal_current)  # the new layout can put it out of view

    def _reveal_current(self) -> None:
        """Scroll the current candidate into view in the list and the article, once laid out."""
        if self.aid is None or not self.is_mounted:
            return
        i = self.state.position()
        if i is not None:
            self.table().show(i)
        cand = self.state.current()
        view = self.query_one(ArticleView)
        if cand is not None and view.cursor is None:
            view.set_current(cand["id"], scroll=True)

    def show_empty(self) -> None:
        self.aid = None
        self.article = {}
        self.state.load([])
        self.query_one("#article-col").border_title = Text("No articles in this store yet")
        self.query_one(ArticleView).set_article("", [], [])
        self.query_one("#article-meta", Static).update(Text(""))
        k = self.keys
        self.query_one("#detail", DetailPanel).update(
            Text(
                f"Store: {one_line(self.store.location, 200)}\n\nPress {k.show('review.add_articles')} to add a file or "
                f"folder here, or quit with {k.show('review.quit')} and run:\n\n"
                "  newsreview add article.txt feed.jsonl folder/\n\nor open some directly:\n\n"
                "  newsreview examples/uk-russia-iran-drones.txt"
            )
        )
        self.show(lists=True)

    # -- article ---------------------------------------------------------------------------------------

    def _left_off(self, ids: list[str]) -> str | None:
        """Where this reviewer left off: the article they last had open while it has something left for
        them, else the next one that has (None: the store's first pending, their assigned first)."""
        recall = getattr(self.app, "left_off", None)  # ReviewApp's (not a bare test app's)
        last = recall() if callable(recall) else None
        if last not in ids:
            return None
        decided, total = self.store.progress(last)
        return last if decided < total else self.store.next_pending_article(after=last)

    def load_article(self, aid: str, *, focus: str | None = None) -> bool:
        """Show an article; False (with a notification saying why) if it cannot be read."""
        try:
            article = self.store.article(aid)
            cands = self._in_scope(self.store.candidates(aid))
        except StoreError as err:
            self.notify(str(err), severity="error", markup=False)
            return False
        view = self.query_one(ArticleView)
        if view.cursor is not None:
            view.action_leave()
        self.aid = aid
        self.article = article
        self._end_preview()
        self.state.load(cands, focus=focus, article=aid)
        for kind in ("entity", "claim"):
            self.table(kind).article_text = article["text"]
        self.query_one("#article-col").border_title = Text(one_line(article.get("title") or article["id"], 200))
        self.query_one("#article-meta", Static).update(self._meta_line())
        view.set_article(article["text"], cands, article.get("tokens") or [])
        self._refresh_find()
        self.show(lists=True)
        remember = getattr(self.app, "remember_article", None)
        if callable(remember):
            remember(aid)
        return True

    def _meta_line(self) -> Text:
        art = self.article
        meta = " · ".join(one_line(art[k], 60) for k in ("source", "published", "url") if art.get(k))
        return Text(meta or one_line(art.get("id", ""), 60), style="dim")

    @property
    def text(self) -> str:
        return str(self.article.get("text", ""))

    @property
    def tokens(self) -> list[tuple[int, int]]:
        return [(int(s), int(e)) for s, e in self.article.get("tokens") or []]

    def table(self, kind: str | None = None) -> CandidateList:
        return self.query_one("#entities" if (kind or self.state.kind) == "entity" else "#claims", CandidateList)

    def current(self) -> Cand | None:
        return self.state.current()

    # -- putting the state on screen -------------------------------------------------------------------

    def show(self, *, lists: bool = False, scroll: bool = True) -> None:
        """Put the state on the widgets: the lists (refilled when ``lists``), the tabs, the current
        candidate in the list and the article, the detail panel and the status bar."""
        if self.state.kind == "claim" and self.aid is not None and self.state.desk_article != self.aid:
            lists |= self._desk_scores()
        state = self.state
        if lists:
            for kind in ("entity", "claim"):
                self._fill(kind)
        appearing = not self.table().display  # a list shown again has no size until laid out
        self.query_one("#entities").display = state.kind == "entity"
        self.query_one("#claims").display = state.kind == "claim"
        if appearing:
            self.call_after_refresh(self._reveal_current)
        self._show_tabs()
        cand = state.current()
        cid = cand["id"] if cand else None
        view = self.query_one(ArticleView)
        view.set_current(cid, scroll=scroll and view.cursor is None)
        i = state.position()
        if i is not None:
            self.table().show(i)
        if cid != self._shown:
            self._shown = cid
            self.clock.restart()
            if self.preview is None and view.cursor is None and self.char_mode:
                self._set_char_mode(False)  # character mode served an edit on the previous candidate
        self.refresh_detail()
        self.refresh_status()

    def _show_tabs(self) -> None:
        tabs = Text()
        for kind, name in (("entity", "Entities"), ("claim", "Claims")):
            n, total = self.state.count(kind), self.state.total(kind)
            shown = f"{n}/{total}" if self.state.query else f"{total}"
            tabs.append(f" {name} ({shown}) ", style="reverse bold" if kind == self.state.kind else "dim")
            tabs.append(" ")
        tabs.append(f"{self.keys.show('review.switch')} switches", style="dim italic")
        if tabs == self._tabs_shown:  # most keys change neither the counts nor the tab: no repaint
            return
        self._tabs_shown = tabs
        self.query_one("#tabs", Static).update(tabs, layout=False)

    def refresh_detail(self) -> None:
        cand = self.current()
        shown = dict(cand) if cand else None
        if shown is not None and self.preview is not None:
            start, end = self.preview
            shown.update(start=start, end=end, text=self.text[start:end])
        if self.aid is None:
            return
        k = self.keys
        legend = [
            (k.show(f"review.label_{i + 1}", first=True), label) for i, label in enumerate(self.label_order()[:10])
        ]
        empty = (
            "No candidate here."
            + (f" {k.show('review.cancel')} clears the filter." if self.state.query else "")
            + f" Press {k.show('review.cursor_mode')} to select text and add one, "
            f"or {k.show('review.next_article')} for the next article."
        )
        panel = self.query_one("#detail", DetailPanel)
        palette = self.table("entity").palette() if self.is_mounted else None
        group = self.state.current_group()
        if group is not None:
            panel.update(
                group_detail(self.state.group_row(group["id"]), self.state.mentions(group["id"]), self.text, legend, k)
            )
            return
        history = self.store.history(self.aid, cand["id"]) if cand else []  # (a group row shows none)
        gid = self.state.group_of.get(cand["id"]) if cand else None
        where = None
        if gid is not None and cand is not None:
            ids = self.state.groups[gid]["mentions"]
            rest = sum(1 for m in self.state.mentions(gid) if m["id"] != cand["id"] and is_pending(m))
            where = (self.state.groups[gid]["name"], ids.index(cand["id"]) + 1, len(ids), rest)
        final = self._final_status(cand["id"]) if cand else None
        me, jkey = self.store.reviewer, k.show("review.adjudicate")
        panel.update(
            detail(
                shown,
                history,
                legend,
                palette,
                empty=empty,
                group=where,
                keys=k,
                final=final,
                me=me,
                adjudicate_key=jkey,
            )
        )

    def refresh_status(self) -> None:
        bar = self.query_one(StatusBar)
        ids = self.store.article_ids()
        if self.aid is not None and self.aid in ids:
            bar.article = (ids.index(self.aid) + 1, len(ids))
            bar.here = self.store.progress(self.aid)
        else:
            bar.article = None
            bar.here = None
        bar.store = self.store.totals()
        bar.left = self.state.decisions_left() if self.aid is not None else None
        query = self.state.query
        bar.filter = query.text
        if query:
            e, c = self.state.count("entity"), self.state.count("claim")
            bar.filter_counts = f"{e} entit{'y' if e == 1 else 'ies'}, {c} claim{'' if c == 1 else 's'}"
        else:
            bar.filter_counts = ""
        view = self.query_one(ArticleView)
        if view.matches and self.find_query:
            i = (view.match_index or 0) + 1
            bar.find = f"“{self.find_query}” {i}/{len(view.matches)}"
        else:
            bar.find = ""
        bar.busy = self.busy
        bar.message, self.message = self.message, ""
        if not bar.message and self.state.kind == "claim" and self.query_one(ClaimFielder).error is not None:
            bar.message = FIELDS_OFF
        if self.box is not None:
            mode = self.box
        elif self.preview is not None:
            mode = "preview"
        else:
            mode = "select" if self.query_one(ArticleView).cursor is not None else ""
        bar.mode, bar.hint = mode_hint(self.keys, mode, char_mode=self.char_mode)
        bar.hint_first = False
        if self.claim_flow is not None and mode == "select":
            bar.mode, bar.hint = self._flow_hint()
            bar.hint_first = True  # what to do next in the new claim's steps comes before the counts
        self._refresh_desk(bar)

    # -- applying store results ------------------------------------------------------------------------

    def apply_states(self, states: list[Cand], *, fresh: bool = False) -> None:
        """Store results onto the state and the widgets (rows in place, or the lists refilled); unless
        ``fresh`` (read from the store just now), suggestions are read again once decisions pause."""
        if self.state.desk_article is not None and self.state.desk_article == self.aid:
            for state in states:  # a claim added or moved takes its place by the desk's score
                old = self.state.cands.get(state["id"])
                moved = old is None or any(old.get(k) != state.get(k) for k in ("start", "end", "checkworthiness"))
                if state["kind"] == "claim" and moved and state.get("status") != "removed":
                    self.state.desk[state["id"]] = self.store.desk_score(state)
        rebuilt = self.state.apply(states)
        self.query_one(ArticleView).update_candidates(states)
        if rebuilt:
            for kind in ("entity", "claim"):
                self._fill(kind)
        else:
            groups = set()
            for state in states:
                if state.get("status") != "removed":
                    self.table(state["kind"]).update(state)
                    groups.add(self.state.group_of.get(state["id"]))
            for gid in groups - {None}:
                assert gid is not None
                self.table("entity").update(self.state.group_row(gid))
        if not fresh and self.store.suggestions:
            self._sync_soon()

    def _write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        if fn not in (self.store.undo_last, self.store.redo_last):
            self._take_over()
        try:
            return fn(*args, **kwargs)
        except StoreError as err:
            self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
            return None

    # -- deciding ------------------------------------------------------------------------------------

    def action_decide(self, action: str) -> None:
        group = self.state.current_group()
        if group is not None and self.preview is None:
            self._decide_group(group, action)
            return
        cand = self.current()
        if cand is None or self.aid is None:
            self.notify("nothing to decide here", markup=False, timeout=2)
            return
        if self.preview is not None:
            self._end_preview()
        state = self._write(self.store.decide, self.aid, cand["id"], action, seconds=self.clock.seconds())
        if state is None:
            return
        self.apply_states([state])
        if cand.get("origin") == "memory":
            self._sync()  # a proposal taken becomes the analyst's own candidate
        self._after_decision(cand["id"])

    def _after_decision(self, after: str) -> None:
        outcome = self.state.next_pending(after)
        if outcome == "switched":
            now = "claims" if self.state.kind == "claim" else "entities"
            before = "entities" if now == "claims" else "claims"
            self.message = f"all {before} decided; now the {now}"
        elif outcome == "done":
            self.message = (
                f"article done — {self.keys.show('review.next_pending')} opens the next one with pending items"
            )
        self.show()

    def action_relabel(self, i: int) -> None:
        cand = self.current()
        if cand is None or cand["kind"] != "entity" or self.aid is None:
            self.notify(
                f"number keys relabel entities (switch with {self.keys.show('review.switch')})", markup=False, timeout=2
            )
            return
        labels = self.label_order()
        if not 0 <= i < len(labels):
            return
        self._relabel(labels[i])

    def _relabel(self, label: str) -> None:
        """Relabel the current entity — on a group row, every pending mention of the group."""
        group = self.state.current_group()
        if group is not None:
            self._decide_group(group, "edit", label)
            return
        cand = self.current()
        if cand is None or cand["kind"] != "entity" or self.aid is None:
            return
        seconds = self.clock.seconds()
        if label == cand["label"]:
            state = self._write(self.store.decide, self.aid, cand["id"], "accept", seconds=seconds)
        else:
            state = self._write(
                self.store.decide, self.aid, cand["id"], "edit", changes={"label": label}, seconds=seconds
            )
        if state is not None:
            self.apply_states([state])
            if cand.get("origin") == "memory":
                self._sync()
            self._after_decision(cand["id"])

    def action_bulk_accept(self) -> None:
        from .dialogs import Confirm

        group, what = self.state.like_current()
        if not group or self.aid is None:
            self.notify("nothing pending like this", markup=False, timeout=2)
            return
        aid = self.aid

        def go(ok: bool | None) -> None:
            if not ok or self.aid != aid:
                return
            after = self.state.current_id()
            states = self._write(self.store.decide_many, aid, [(c["id"], "accept", None) for c in group])
            if states is not None:
                self.apply_states(states)
                self.notify(f"accepted {len(states)} (one undo reverts them all)", markup=False, timeout=3)
                self._after_decision(after or "")

        self.app.push_screen(Confirm(f"Accept {what} in this article?", self.keys), go)

    # -- groups, suggestions, every label, the label set ----------------------------------------------

    def _desk_scores(self) -> bool:
        """Order this article's claims by the desk's corrected check-worthiness (asked for the first
        time the claims list shows for an article: the store learns the decisions it has not yet)."""
        assert self.aid is not None
        try:
            scores = self.store.desk_scores(self.aid)
        except StoreError as err:
            self.notify(str(err), title="desk scores", severity="error", markup=False, timeout=8)
            scores = {}
        self.state.set_desk(self.aid, scores)
        return True

    def _fill(self, kind: str) -> None:
        state = self.state
        keys = state.ids(kind)
        children = [key for key in keys if state.is_child(key)] if kind == "entity" and state.expanded else []
        self.table(kind).fill(state.rows(kind), state.position(kind), children=children)

    def _in_scope(self, cands: list[Cand]) -> list[Cand]:
        """The candidates the store's label set lets the review see (counting the suggestions of the
        hidden ones, which confirming must leave alone)."""
        if self.store.labels is None:
            self._hidden_suggestions = 0
            return cands
        shown = [c for c in cands if self.store.in_scope(c)]
        self._hidden_suggestions = sum(
            1 for c in cands if c.get("suggestion") and is_pending(c) and not self.store.in_scope(c)
        )
        return shown

    def label_order(self) -> list[str]:
        """Every label relabelling offers, in number-key order (:func:`~tui.app.state.label_order`)."""
        present = {str(c["label"]) for c in self.state.cands.values() if c["kind"] == "entity"}
        return label_order(self.store.labels, present)

    def _store_labels(self) -> dict[str, int]:
        """Entity labels the machine gave in the store, with their counts (from the articles' index
        records; articles stored before those kept their counts are left out)."""
        counts: dict[str, int] = {}
        for aid in self.store.article_ids():
            for label, n in (self.store.article_info(aid).get("labels") or {}).items():
                counts[label] = counts.get(label, 0) + int(n)
        for cand in self.state.cands.values():
            if cand["kind"] == "entity" and cand["label"] not in counts:
                counts[cand["label"]] = 0
        return counts

    def _open_mention(self) -> None:
        """On a group row: open the group and make the mention it stands for current (what the
        boundary keys and the edit dialog work on)."""
        group = self.state.current_group()
        if group is None or self.preview is not None:
            return
        cand = self.state.representative(group["id"])
        if self.state.select(cand["id"], expand=True):
            self.show(lists=True)

    def _sync(self, *, fresh: list[Cand] | None = None) -> None:
        """The article's candidates read again from the store — suggestions and proposals change as
        the desk decides: changed rows repaint, proposals that came or went are listed or dropped."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
            self._sync_timer = None
        if self.aid is None:
            return
        try:
            cands = self._in_scope(self.store.candidates(self.aid) if fresh is None else fresh)
        except StoreError:
            return
        now = {c["id"]: c for c in cands}
        old = self.state.cands
        changed = [c for cid, c in now.items() if old.get(cid) != c]
        gone = [{"id": cid, "kind": c["kind"], "status": "removed"} for cid, c in old.items() if cid not in now]
        if changed or gone:
            self.apply_states(changed + gone, fresh=True)
            self.show()

    def _sync_soon(self) -> None:
        if self._sync_timer is not None:
            self._sync_timer.stop()
        self._sync_timer = self.set_timer(SYNC_AFTER, self._sync)

    def _decide_group(self, group: Cand, action: str, label: str | None = None) -> None:
        """Decide every pending mention of a group as one undo step: one batch of exactly the mentions
        the screen shows pending (the live view keeps them in step with the store)."""
        aid, gid = self.aid, group["id"]
        if aid is None:
            return
        pending = [m for m in self.state.mentions(gid) if is_pending(m)]
        if not pending:
            self.notify(
                f"every mention of {one_line(group['name'], 40)} is decided "
                f"({self.keys.show('review.expand')} lists them to change one)",
                markup=False,
                timeout=3,
            )
            return
        if action == "edit" and label is None:
            return
        seconds = self.clock.seconds() / len(pending)  # the time spent, shared by the decisions
        items: list[tuple[str, str, dict[str, Any] | None]] = [
            (m["id"], "edit", {"label": label})
            if action == "edit" and m["label"] != label
            else (m["id"], "accept" if action == "edit" else action, None)
            for m in pending
        ]
        states = self._write(self.store.decide_many, aid, items, seconds=seconds)
        if states is None:
            return
        self.apply_states(states)  # suggestions are read again once decisions pause
        if any(m.get("origin") == "memory" for m in pending):
            self._sync()  # a proposal taken becomes the analyst's own candidate
        what = {"accept": "accepted", "reject": "rejected"}.get(action, f"relabelled {one_line(label, 30)}")
        self.message = (
            f"{what}: {len(states)} mention{'s' if len(states) != 1 else ''} of {one_line(group['name'], 40)} "
            f"(one {self.keys.show('review.undo', first=True)} reverts them)"
        )
        self._after_decision(gid)

    def action_expand(self) -> None:
        if self.preview is None and self.state.expand():
            self.show(lists=True)

    def action_collapse(self) -> None:
        if self.preview is None and self.state.collapse():
            self.show(lists=True)

    def action_apply_rest(self) -> None:
        """The current mention's decision for every other mention of its group still pending: its
        relabel, else accept or reject (a boundary edit stays the mention's own)."""
        if self.aid is None or self.preview is not None:
            return
        k = self.keys
        gid = self.state.group_of_current()
        cand = self.current()
        if cand is None or gid is None:
            self.notify("this entity has no other mentions in the article", markup=False, timeout=3)
            return
        if self.state.is_group(self.state.current_id()):
            self.notify(
                f"{k.show('review.apply_rest')} applies one mention's decision to the others: open the group "
                f"with {k.show('review.expand')} and decide one",
                markup=False,
                timeout=4,
            )
            return
        status = cand.get("status", "pending")
        if status == "pending":
            self.notify("decide this mention first; then it goes for the rest", markup=False, timeout=3)
            return
        rest = [m for m in self.state.mentions(gid) if m["id"] != cand["id"] and is_pending(m)]
        if not rest:
            self.notify("no other mention of this entity is pending", markup=False, timeout=3)
            return
        relabel = "label" in (cand.get("original") or {})
        items: list[tuple[str, str, dict[str, Any] | None]] = []
        for m in rest:
            if status == "rejected":
                items.append((m["id"], "reject", None))
            elif relabel and m["label"] != cand["label"]:
                items.append((m["id"], "edit", {"label": cand["label"]}))
            else:
                items.append((m["id"], "accept", None))
        states = self._write(self.store.decide_many, self.aid, items, seconds=self.clock.seconds() / len(items))
        if states is None:
            return
        self.apply_states(states)
        self._sync()
        what = "rejected" if status == "rejected" else (f"relabelled {cand['label']}" if relabel else "accepted")
        self.message = (
            f"{one_line(what, 40)}: {len(states)} more mention{'s' if len(states) != 1 else ''} "
            f"(one {k.show('review.undo', first=True)} reverts them)"
        )
        self._after_decision(cand["id"])

    def action_relabel_picker(self) -> None:
        from .dialogs import LabelPicker

        cand = self.current()
        if cand is None or cand["kind"] != "entity" or self.aid is None:
            self.notify(f"relabelling is for entities ({self.keys.show('review.switch')})", markup=False, timeout=2)
            return
        if self.preview is not None:
            self._end_preview()
        group = self.state.current_group()
        row, aid = self.state.current_id(), self.aid
        text = f"{group['name']} ×{len(group['mentions'])}" if group else cand["text"]
        labels = label_order(self.store.labels, [*self._store_labels(), cand["label"]])

        def picked(label: str | None) -> None:
            if label and self.aid == aid and self.state.current_id() == row:
                self._relabel(label)

        self.app.push_screen(
            LabelPicker(text, labels, self.keys, title="Relabel: ", current=None if group else cand["label"]), picked
        )

    def action_confirm_suggestions(self) -> None:
        from .dialogs import Confirm

        aid = self.aid
        if aid is None:
            return
        if not self.store.suggestions:
            self.notify(
                f"suggestions are off in this store ({self.keys.show('review.label_set')} turns them on)",
                markup=False,
                timeout=3,
            )
            return
        self._sync()  # what the desk suggests now
        hints = self.state.suggested()
        if not hints:
            self.notify("no pending suggestions in this article", markup=False, timeout=3)
            return
        kinds: dict[str, int] = {}
        for c in hints:
            hint = c["suggestion"]
            what = {"accept": "accept", "reject": "reject", "add": "add"}.get(hint["action"], "edit")
            if what == "edit":
                what = f"relabel to {hint['label']}" if "label" in hint else "trim"
            kinds[what] = kinds.get(what, 0) + 1
        breakdown = ", ".join(f"{n} {what}" for what, n in sorted(kinds.items(), key=lambda kv: -kv[1]))

        def go(ok: bool | None) -> None:
            if not ok or self.aid != aid:
                return
            after = self.state.current_id()
            seconds = self.clock.seconds() / len(hints)
            if self._hidden_suggestions:  # the store's own would decide hidden candidates too
                items: list[tuple[str, str, dict[str, Any] | None]] = []
                for c in hints:
                    hint = c["suggestion"]
                    if hint["action"] == "add":
                        items.append((c["id"], "accept", None))
                    elif hint["action"] == "edit":
                        items.append((c["id"], "edit", {k: hint[k] for k in ("label", "start", "end") if k in hint}))
                    else:
                        items.append((c["id"], hint["action"], None))
                states = self._write(self.store.decide_many, aid, items, seconds=seconds)
            else:
                states = self._write(self.store.confirm_suggestions, aid, seconds=seconds)
            if states is None:
                return
            self.apply_states(states)
            self._sync()
            self.message = (
                f"confirmed {len(states)} suggestion{'s' if len(states) != 1 else ''} "
                f"(one {self.keys.show('review.undo', first=True)} reverts them)"
            )
            self._after_decision(after or "")

        self.app.push_screen(Confirm(f"Confirm {len(hints)} suggestions in this article ({breakdown})?", self.keys), go)

    def action_label_set(self) -> None:
        from .dialogs import LabelSet

        counts = self._store_labels()
        labels = label_order(self.store.labels, counts)

        def chosen(answer: tuple[list[str] | None, bool] | None) -> None:
            if answer is None:
                return
            labels, suggestions = answer
            before = (self.store.labels, self.store.suggestions)
            if labels != before[0]:
                self._write(self.store.set_labels, labels)
            if suggestions != before[1]:
                self._write(self.store.set_suggestions, suggestions)
            if (self.store.labels, self.store.suggestions) == before:
                return  # nothing changed (or the store refused: the notification says why)
            if self.aid is not None:
                cand = self.current()
                self.load_article(self.aid, focus=cand["id"] if cand else None)
            else:
                self.refresh_status()
            shown = "every label" if labels is None else (", ".join(labels) or "no entity label")
            self.notify(
                f"label set: {shown}; suggestions {'on' if self.store.suggestions else 'off'}",
                markup=False,
                timeout=4,
            )

        self.app.push_screen(LabelSet(labels, self.store.labels, counts, self.store.suggestions, self.keys), chosen)

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
            self._sync()  # proposals come back (or go) with the additions undone (or redone)
            self.state.select(cid)
            self.show()
        self.notify(f"{which}: {len(group)} decision{'s' if len(group) > 1 else ''}", markup=False, timeout=2)

    # -- moving --------------------------------------------------------------------------------------

    def action_skip(self) -> None:
        self.action_move(1)

    def action_move(self, delta: int) -> None:
        if self.preview is None and self.state.move(delta):
            self.show()

    def action_jump(self, where: str) -> None:
        if self.preview is None and self.state.jump(where):
            self.show()

    def action_switch_kind(self) -> None:
        if self.preview is not None:
            self.action_escape()
        self.state.switch_kind()
        self.show()

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
            self.notify("every article is fully reviewed", markup=False, timeout=3)
        else:
            self.load_article(nxt)

    @on(CandidateList.Picked)
    def _row_clicked(self, event: CandidateList.Picked) -> None:
        if self.preview is not None:
            return
        if event.cid == self.state.current_id() and self.state.is_group(event.cid):
            self.action_expand() if event.cid not in self.state.expanded else self.action_collapse()
        elif self.state.select(event.cid):
            self.show()

    @on(ArticleView.Picked)
    def _span_clicked(self, event: ArticleView.Picked) -> None:
        if self.preview is not None:
            return
        if self.state.select(event.cid):
            self.show(scroll=False)
        else:
            self.notify(
                f"that candidate is hidden by the filter ({self.keys.show('review.cancel')} clears it)",
                markup=False,
                timeout=3,
            )

    # -- boundaries ----------------------------------------------------------------------------------

    def _set_char_mode(self, on: bool) -> None:
        self.char_mode = on
        self.query_one(ArticleView).set_by_char(on)

    def action_char_mode(self) -> None:
        self._set_char_mode(not self.char_mode)
        self.refresh_status()

    def action_boundary(self, edge: str, direction: int) -> None:
        self._open_mention()
        cand = self.current()
        if cand is None:
            return
        if self.preview is None:
            if cand["kind"] == "claim":
                self.query_one(ClaimFielder).warm()  # the moved claim's fields, when it is saved
            self.preview, self.preview_id = (cand["start"], cand["end"]), cand["id"]
        moved = spans.step_edge(self.text, self.tokens, *self.preview, edge, direction, by_char=self.char_mode)
        if moved is None:
            self.app.bell()
            if self.preview == (cand["start"], cand["end"]):
                self.query_one(ArticleView).set_preview(self.preview)
                self.refresh_status()
            return
        self.preview = moved
        self.query_one(ArticleView).set_preview(moved)
        self.refresh_detail()
        self.refresh_status()

    def _end_preview(self) -> None:
        """The boundary edit ends (saved or not); character mode ends with it."""
        if self.preview is not None:
            self.preview = self.preview_id = None
            self.query_one(ArticleView).set_preview(None)
        if self.char_mode and self.query_one(ArticleView).cursor is None:
            self._set_char_mode(False)

    def action_confirm_boundary(self) -> None:
        if self.preview is None or self.preview_id is None or self.aid is None:
            self.action_decide("accept")
            return
        cid, (start, end) = self.preview_id, self.preview
        cand = self.state.cands.get(cid)
        self._end_preview()
        changes = {} if cand is None else {k: v for k, v in (("start", start), ("end", end)) if cand[k] != v}
        if changes and cand is not None and cand["kind"] == "claim":
            aid, seconds = self.aid, self.clock.seconds()

            def save(got: Fields | None, why: str | None) -> None:
                self._boundary_saved(aid, cid, {**changes, **(got or {})}, seconds, why)

            self._with_claim_fields(start, end, save)
        elif changes:
            self._boundary_saved(self.aid, cid, changes, self.clock.seconds(), None)
        self.show()

    def _boundary_saved(self, aid: str, cid: str, changes: dict[str, Any], seconds: float, why: str | None) -> None:
        state = self._write(self.store.decide, aid, cid, "edit", changes=changes, seconds=seconds)
        if state is not None and self.aid == aid:
            self.apply_states([state])
            self.state.select(cid)
            if why is not None:
                self._fields_missing(why)
            else:
                self.notify(f"edited: {one_line(state['text'], 60)}", markup=False, timeout=2)
            self.show()

    def action_escape(self) -> None:
        view = self.query_one(ArticleView)
        if self.preview is not None:
            self._end_preview()
            self.show()
        elif self.char_mode:
            self._set_char_mode(False)
            self.refresh_status()
        elif view.matches:
            view.set_matches([], None)
            self.refresh_status()
        elif self.state.query:
            self.apply_filter("")
        elif self.query("HelpPanel"):  # the palette's "Keys" panel: escape closes it, as it does the rest
            self.app.action_hide_help_panel()

    # -- editing, adding ---------------------------------------------------------------------------------

    def action_edit(self) -> None:
        from .dialogs import EditDialog

        self._open_mention()
        cand = self.current()
        if cand is None or self.aid is None:
            return
        if self.preview is not None:
            self._end_preview()
        aid = self.aid
        entities = [c for c in self.state.cands.values() if c["kind"] == "entity" and c.get("status") != "rejected"]
        if cand["kind"] == "claim":
            self.query_one(ClaimFielder).warm()

        def save(changes: dict[str, Any]) -> str | None:
            moved = cand["kind"] == "claim" and ("start" in changes or "end" in changes)
            start, end = changes.get("start", cand["start"]), changes.get("end", cand["end"])
            if moved and isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text):
                seconds = self.clock.seconds()
                done: list[str | None] = []
                returned = False

                def with_fields(got: Fields | None, why: str | None) -> None:
                    problem = self._edit_saved(aid, cand["id"], {**changes, **(got or {})}, seconds, why)
                    done.append(problem)
                    if returned and problem:  # the editor has closed: say it here
                        self.notify(problem, title="not saved", severity="error", markup=False, timeout=8)

                self._with_claim_fields(start, end, with_fields)
                returned = True
                return done[0] if done else None  # waiting for the pipeline: saved (or notified) then
            return self._edit_saved(aid, cand["id"], changes, self.clock.seconds(), None)

        names = {cid: self.state.groups[gid]["name"] for cid, gid in self.state.group_of.items()}

        def select_text() -> None:  # the claim's content, speaker or cue by selection (s, r, C)
            if self.aid == aid and self.state.select(cand["id"]):
                self.action_cursor_mode()
                k = self.keys
                self.notify(
                    f"select text, then {k.show('article.as_speaker')} speaker, {k.show('article.as_cue')} cue, "
                    f"{k.show('article.as_content')} content",
                    markup=False,
                    timeout=4,
                )

        self.app.push_screen(
            EditDialog(cand, self.text, entities, self.label_order(), save, self.keys, names, select_text)
        )

    def _edit_saved(self, aid: str, cid: str, changes: dict[str, Any], seconds: float, why: str | None) -> str | None:
        """The editor's save: None, or why the store refused (the editor shows it)."""
        self._take_over()
        try:
            state = self.store.decide(aid, cid, "edit", changes=changes, seconds=seconds)
        except StoreError as err:
            return str(err)
        if self.aid == aid:
            self.apply_states([state])
            self.state.select(cid)
            if why is not None:
                self._fields_missing(why)
            self.show()
        return None

    def _fields_missing(self, why: str | None) -> None:
        """A claim was saved without its numbers and check-worthiness: a toast says why; the status
        line keeps saying so while the pipeline is missing (see :meth:`refresh_status`)."""
        self.notify(not_computed(why), title="claim fields", severity="warning", markup=False, timeout=8)

    def _with_claim_fields(self, start: int, end: int, then: Then) -> None:
        """``then`` with the numbers, hedges and check-worthiness of the claim at [start, end) of this
        article: at once when the pipeline is loaded, else once it is (the status bar says so)."""
        fielder = self.query_one(ClaimFielder)

        def done(got: Fields | None, why: str | None) -> None:
            if self.busy == FIELDS_WAIT and not fielder.waiting:
                self.busy = ""
                self.refresh_status()
            then(got, why)  # it shows what it saved (and a message, once)

        if not fielder.request(self.text, start, end, done):
            self.busy = FIELDS_WAIT
            self.refresh_status()

    def action_cursor_mode(self) -> None:
        if self.aid is None or not self.text:
            return
        if self.state.kind == "claim":
            self.query_one(ClaimFielder).warm()  # a claim's content by selection will want its fields
        view = self.query_one(ArticleView)
        if self.preview is not None:
            self._end_preview()
        cand = self.current()
        at = cand["start"] if cand else view.lines[min(int(view.scroll_y), len(view.lines) - 1)][0]
        view.set_by_char(self.char_mode)
        view.enter_cursor_mode(at)
        self.refresh_status()

    @on(ArticleView.Left)
    def _article_left(self) -> None:
        if self.claim_flow is not None:
            self.claim_flow = None
            self.notify("new claim cancelled", markup=False, timeout=2)
        if self.char_mode and self.preview is None:
            self._set_char_mode(False)  # character mode served this selection
        self.show(scroll=False)

    # -- claims by selection: a new claim in one flow, or the current claim's content, speaker, cue --------

    def _flow_hint(self) -> tuple[str, str]:
        flow, k = self.claim_flow or {}, self.keys
        sel = f"{k.show('article.select_left')} {k.show('article.select_right')} select"
        if flow.get("step") == "speaker":
            return "NEW CLAIM: SPEAKER", f"{sel}  {k.show('article.as_speaker')} speaker  {k.show('article.step')} none"
        return "NEW CLAIM: CUE", f"{sel}  {k.show('article.as_cue')} cue  {k.show('article.step')} none (save)"

    def span_ref(self, role: str, start: int, end: int) -> dict[str, Any]:
        """A speaker or cue at [start, end). A speaker is linked to an entity (``entity_id``, and its
        group's fullest name as ``name``) when the span is one, or holds exactly one PERSON/ORG one."""
        ref: dict[str, Any] = {"start": start, "end": end}
        if role != "speaker":
            return ref
        ents = [c for c in self.state.cands.values() if c["kind"] == "entity" and c.get("status") != "rejected"]
        exact = [e for e in ents if (e["start"], e["end"]) == (start, end)]
        inside = [e for e in ents if start <= e["start"] and e["end"] <= end and e.get("label") in ("PERSON", "ORG")]
        found = exact or (inside if len(inside) == 1 else [])
        if found:
            ent = found[0]
            gid = self.state.group_of.get(ent["id"])
            ref["entity_id"] = ent["id"]
            ref["name"] = self.state.groups[gid]["name"] if gid else ent["text"]
        return ref

    @on(ArticleView.Assign)
    def _assign(self, event: ArticleView.Assign) -> None:
        if self.claim_flow is not None:
            flow = self.claim_flow
            if event.role == "content":
                flow["start"], flow["end"] = event.start, event.end
            else:
                flow[event.role] = self.span_ref(event.role, event.start, event.end)
                flow["step"] = "cue" if event.role == "speaker" and "cue" not in flow else "done"
            self._flow_next()
            return
        cand = self.current()
        if self.aid is None or cand is None or cand["kind"] != "claim":
            self.notify(
                f"make a claim current first ({self.keys.show('review.switch')} lists the claims), or "
                f"{self.keys.show('article.new_claim')} makes a new one",
                markup=False,
                timeout=3,
            )
            return
        aid, cid, role, seconds = self.aid, cand["id"], event.role, self.clock.seconds()
        if role == "content":
            self.query_one(ArticleView).clear_selection()

            def save(got: Fields | None, why: str | None) -> None:
                self._assigned(aid, cid, role, {"start": event.start, "end": event.end, **(got or {})}, seconds, why)

            self._with_claim_fields(event.start, event.end, save)
            return
        changes = {role: self.span_ref(role, event.start, event.end)}
        self._assigned(aid, cid, role, changes, seconds, None)

    def _assigned(
        self, aid: str, cid: str, role: str, changes: dict[str, Any], seconds: float, why: str | None
    ) -> None:
        state = self._write(self.store.decide, aid, cid, "edit", changes=changes, seconds=seconds)
        if state is None or self.aid != aid:
            return
        if role != "content":  # (content: cleared when asked, the fields may have been waited for)
            self.query_one(ArticleView).clear_selection()
        self.apply_states([state])
        self.state.select(cid)
        shown = {"content": state["text"], **{r: (state.get(r) or {}).get("text", "") for r in ("speaker", "cue")}}
        if why is not None:
            self._fields_missing(why)
        else:
            self.notify(f"{role}: {one_line(shown[role], 50)}", markup=False, timeout=3)
        self.show(scroll=False)

    @on(ArticleView.Step)
    def _step(self) -> None:
        flow = self.claim_flow
        if flow is None:
            return
        flow["step"] = "cue" if flow["step"] == "speaker" else "done"
        self._flow_next()

    def _flow_next(self) -> None:
        """Ask for the next part of the new claim, or save it once speaker and cue are given or skipped."""
        flow = self.claim_flow
        if flow is None:
            return
        self.query_one(ArticleView).clear_selection()
        if flow["step"] != "done":
            self.refresh_status()
            return
        self.claim_flow = None
        fields: dict[str, Any] = {k: flow[k] for k in ("start", "end", "speaker", "cue") if k in flow}
        content = self.text[flow["start"] : flow["end"]].lstrip()
        quoted = content[:1] in ('"', "“", "‘", "'", "«")
        fields.update(kind="claim", quote_type="direct" if quoted else ("indirect" if "speaker" in flow else "none"))
        self._add(fields)

    @on(ArticleView.Create)
    def _create(self, event: ArticleView.Create) -> None:
        from .dialogs import LabelPicker

        if event.kind == "claim" and self.claim_flow is not None:  # one new claim at a time
            self.notify(
                f"already making a new claim: {self.keys.show('article.as_content')} makes the selection its content, "
                f"{self.keys.show('article.leave', first=True)} cancels it",
                markup=False,
                timeout=4,
            )
            return
        if event.kind == "claim":  # content first; then the speaker and the cue, by selection
            self.query_one(ClaimFielder).warm()  # its numbers and check-worthiness, when it is saved
            self.claim_flow = {"start": event.start, "end": event.end, "step": "speaker"}
            self._flow_next()
            return

        def picked(label: str | None) -> None:
            if label:
                self._add({"kind": "entity", "start": event.start, "end": event.end, "label": label})

        self.app.push_screen(LabelPicker(self.text[event.start : event.end], self.label_order(), self.keys), picked)

    def _add(self, fields: dict[str, Any]) -> None:
        if self.aid is None:
            return
        aid, seconds = self.aid, self.clock.seconds()
        if fields.get("kind") == "claim":

            def save(got: Fields | None, why: str | None) -> None:
                self._added(aid, {**fields, **(got or {})}, seconds, why)

            self._with_claim_fields(fields["start"], fields["end"], save)
            return
        self._added(aid, fields, seconds, None)

    def _added(self, aid: str, fields: dict[str, Any], seconds: float, why: str | None) -> None:
        state = self._write(self.store.add_candidate, aid, fields, seconds=seconds)
        if state is None or self.aid != aid:
            return
        view = self.query_one(ArticleView)
        if self.claim_flow is not None and state["kind"] == "entity" and view.cursor is not None:
            # an entity made on the way (the speaker's, say): the new claim goes on, its selection kept
            # so that the speaker key takes the same span, now linked to the entity
            self.apply_states([state])
            view.refresh()
            self.refresh_status()
            hidden = "" if self.store.in_scope(state) else " (its label is not in the store's label set: kept, hidden)"
            self.notify(
                f"added entity: {one_line(state['text'], 50)}{hidden} — the new claim goes on",
                markup=False,
                timeout=6 if hidden else 3,
            )
            return
        if view.cursor is not None:
            view.action_leave()
        if not self.store.in_scope(state):
            self.notify(
                f"added {one_line(state['text'], 50)} as {one_line(state.get('label'), 30)}: that label is not in "
                f"the store's label set ({self.keys.show('review.label_set')}), so it is kept but hidden",
                markup=False,
                timeout=6,
            )
            self.show()
            return
        self.apply_states([state])  # a new candidate: the lists are rebuilt there
        if not self.state.select(state["id"]):
            self.apply_filter("")  # the filter would hide what was just added
            self.state.select(state["id"])
        if why is not None:
            self._fields_missing(why)
        self.show()
        self.notify(f"added {state['kind']}: {one_line(state['text'], 50)}", markup=False, timeout=2)

    # -- filter, find, order -------------------------------------------------------------------------

    def _open_box(self, box_id: str, value: str) -> None:
        for box in self.query(Input):
            if box.id != box_id:
                box.display = False
                box.disabled = True
        box = self.query_one(f"#{box_id}", Input)
        box.display = True
        box.disabled = False
        box.value = value
        box.focus()
        self.box = box_id
        self.refresh_status()

    def _close_box(self, box_id: str) -> None:
        box = self.query_one(f"#{box_id}", Input)
        box.display = False
        box.disabled = True
        self.box = None
        view = self.query_one(ArticleView)
        self.set_focus(view if view.cursor is not None else None)

    def action_filter(self) -> None:
        self._open_box("filter", self.state.query.text)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.apply_filter(event.value)

    def apply_filter(self, text: str) -> bool:
        """Filter the lists; an unknown field or value is an error shown in place (nothing changes)."""
        try:
            self.state.set_query(text)
        except FilterError as err:
            self.notify(str(err), title="filter", severity="error", markup=False, timeout=6)
            return False
        self._close_box("filter")
        self.show(lists=True)
        return True

    def action_find(self) -> None:
        self._open_box("find", self.find_query)

    @on(Input.Submitted, "#find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        self._close_box("find")
        if not query:
            self.find_query = ""
            self.query_one(ArticleView).set_matches([], None)
            self.refresh_status()
            return
        again = query == self.find_query
        self.find_query = query
        self._find(step=again)

    def _refresh_find(self) -> None:
        """A new article: the find query stays, its matches are this article's."""
        if self.find_query:
            self._find(step=False, quiet=True)

    def _find(self, *, step: bool, quiet: bool = False, whole_words: bool = False) -> None:
        view = self.query_one(ArticleView)
        matches = spans.find_all(self.text, self.find_query, whole_words=whole_words)
        if not matches:
            view.set_matches([], None)
            if not quiet:
                self.notify(f"“{one_line(self.find_query, 60)}” is not in this article", markup=False, timeout=3)
            self.refresh_status()
            return
        if quiet:
            view.set_matches(matches, None)
            self.refresh_status()
            return
        if step and view.matches == matches and view.match_index is not None:
            index = (view.match_index + 1) % len(matches)
        else:
            cand = self.current()
            here = view.cursor if view.cursor is not None else (cand["start"] if cand else 0)
            index = spans.first_at_or_after(matches, here)
        view.set_matches(matches, index)
        if view.cursor is not None:
            view.select_span(*matches[index])
            if view.by_char != self.char_mode:
                self.char_mode = view.by_char
        self.refresh_status()

    def action_find_next(self) -> None:
        if not self.find_query:
            self.action_find()
            return
        self._find(step=True)

    def action_mentions(self) -> None:
        """The next listed candidate with the current one's text; without one, its next mention in
        the article (highlighted, all of them, like a find)."""
        cand = self.current()
        if cand is None:
            return
        same = self.state.same_text(cand)
        view = self.query_one(ArticleView)
        self.find_query = cand["text"]
        matches = spans.find_all(self.text, cand["text"], whole_words=True)
        if len(same) > 1:
            nxt = same[(same.index(cand["id"]) + 1) % len(same)]
            self.state.select(nxt, expand=True)
            target = self.state.cands[nxt]
            index = next((i for i, (s, _) in enumerate(matches) if s == target["start"]), None)
            view.set_matches(matches, index)
            self.message = f"listed mention {same.index(nxt) + 1}/{len(same)}"
            self.show(lists=True)
            return
        others = [m for m in matches if m != (cand["start"], cand["end"])]
        if not others:
            view.set_matches(matches, None)
            self.message = "no other mention of this text in the article"
            self.refresh_status()
            return
        view.set_matches(matches, spans.first_at_or_after(matches, cand["start"] + 1))
        self.message = (
            f"{len(others)} other mention{'s' if len(others) > 1 else ''} in the article, none listed "
            f"({self.keys.show('review.cursor_mode')} to add)"
        )
        self.refresh_status()

    def on_key(self, event: events.Key) -> None:
        if event.key != "escape":
            return
        box_id = self.box
        if box_id is not None and self.query_one(f"#{box_id}", Input).has_focus:
            event.stop()
            self._close_box(box_id)
            if box_id == "filter":
                self.apply_filter("")
            self.refresh_status()

    def action_toggle_order(self) -> None:
        order = self.state.toggle_order()
        self.show(lists=True)
        self.notify(f"claims in {order} order", markup=False, timeout=2)

    # -- other screens, export, quit -------------------------------------------------------------------

    def action_queue(self) -> None:
        from .queue import QueueScreen

        def chosen(aid: str | None) -> None:
            if aid:
                self.load_article(aid)

        self.app.push_screen(QueueScreen(self.store, self.aid, self.keys, presence=self.presence), chosen)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(SECTIONS, self.keys, help_notes(self.keys)))

    def action_export(self) -> None:
        from ...export import render, store_articles
        from ...store.files import atomic_write

        path = self.store.folder / "export.json"
        try:
            atomic_write(path, render(store_articles(self.store)))
        except StoreError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        self.notify(
            f"exported accepted, edited and added items to {path} (same as 'newsreview export')",
            markup=False,
            timeout=6,
        )

    def action_quit(self) -> None:
        self.app.exit()

    # -- adding articles (ArticleAdder does the work) ----------------------------------------------------

    def action_add_articles(self) -> None:
        adder = self.query_one(ArticleAdder)
        if adder.busy:
            self.notify("still adding the previous articles", markup=False, timeout=2)
            return

        def go(path: str | None) -> None:
            if path:
                adder.start(path)

        self.app.push_screen(PathPrompt(self.keys), go)

    @on(ArticleAdder.Busy)
    def _adder_busy(self, event: ArticleAdder.Busy) -> None:
        self.busy = event.text
        self.refresh_status()

    @on(ArticleAdder.Done)
    def _adder_done(self, event: ArticleAdder.Done) -> None:
        self.busy = ""
        if event.added:
            self.load_article(event.added[0])
        else:
            self.refresh_status()

    # -- which keys apply now --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REVIEW_ACTIONS:
            if self._article_view is None:  # (asked for every key's every binding: found once)
                views = self.query(ArticleView)  # none yet while the screen is composed (the footer asks)
                self._article_view = views.first() if views else None
            if self._article_view is not None and self._article_view.cursor is not None:
                return action in CURSOR_MODE_ACTIONS
        if action in ARTICLE_ACTIONS and self.aid is None:
            return None
        return True

    # -- the desk: other reviewers live, take-over, adjudication, assignment --------------------------

    @property
    def presence(self) -> Presence:
        """Who has which article open now (as the LiveFeed last read it)."""
        if self._feed is None:
            feeds = self.query(LiveFeed)
            if not feeds:
                return {}
            self._feed = feeds.first()
        return self._feed.presence

    @property
    def cands(self) -> dict[str, Cand]:
        """The candidates on screen by id (this reviewer's view; ``reviews`` holds everyone's)."""
        return self.state.cands

    def live_changed(self, changes: Changes, presence: Presence) -> None:
        """Others decided, added articles or moved (called by the LiveFeed, on the main thread): the
        candidates they decided on here are read again and shown where they are."""
        ids = self.store.article_ids()
        if self.aid is None:
            if ids:
                self.load_article(self.store.next_pending_article() or ids[0])
            return
        if self.aid in changes.extracted:  # another process re-extracted this article: its list is new
            current = self.state.current()
            self.load_article(self.aid, focus=current["id"] if current else None)
            return
        states = []
        for cid in sorted(changes.decided.get(self.aid, ())):
            try:
                state = self.store.candidate_or_added(self.aid, cid)
            except DecisionError:
                continue  # not a candidate of this view (another reviewer's undone proposal)
            if state.get("status") != "removed" or cid in self.state.cands:
                states.append(state)
        if states:
            self.apply_states(states)
            self.show(scroll=False)
        else:
            self.refresh_status()

    def live_alert(self, text: str) -> None:
        self.query_one(StatusBar).alert = text

    def _final_status(self, cid: str) -> str | None:
        if self.aid is None:
            return None
        try:
            return self.store.final_status(self.aid, cid)
        except (StoreError, KeyError):
            return None

    def _refresh_desk(self, bar: StatusBar) -> None:
        """The desk on the status line: disputed items here, the desk's progress when it is not
        this reviewer's, who else is on this article, and its assignees when they are others."""
        if self.aid is None or self.aid not in self.store.article_ids():
            bar.disputed, bar.desk = 0, ""
            return
        me = self.store.reviewer
        try:
            decided, disputed, total = self.store.final_progress(self.aid)
        except StoreError:
            return
        parts = []
        if (decided, total) != bar.here or disputed:
            parts.append(f"desk {decided}/{total}")
        here = present_here(self.presence, self.aid, me)
        if here:
            parts.append("with " + ", ".join(one_line(w, 20) for w in here))
        holders = self.store.assignments.assignees(self.aid)
        if holders and me not in holders:
            parts.append("assigned to " + ", ".join(one_line(w, 20) for w in holders))
        bar.disputed, bar.desk = disputed, " · ".join(parts)

    def _take_over(self) -> None:
        """The first decision on an article whose assignees let their lease run out takes it over."""
        aid = self.aid
        if aid is None or self.store.assignments.claim(aid, self.store.reviewer) != "takeable":
            return
        try:
            absent = self.store.take(aid)
        except StoreError as err:
            self.notify(f"could not take this article over: {err}", severity="warning", markup=False, timeout=6)
            return
        if absent:
            self.notify(
                f"you took this article over from {one_line(absent, 40)}, who had not started it within the lease",
                markup=False,
                timeout=8,
            )

    def _lead_only(self, what: str) -> bool:
        """True (and the analyst told why) when the store has leads and this reviewer is none."""
        try:
            self.store.need_lead(what)
        except StoreError as err:
            self.notify(str(err), title="a lead's key", severity="warning", markup=False, timeout=6)
            return True
        return False

    def action_adjudicate(self) -> None:
        from .adjudicate import AdjudicateScreen

        if self._lead_only("settle disputes"):
            return
        anonymous = bool(getattr(self.app, "anonymous", False))  # review --anonymous: names hidden there too
        self.app.push_screen(AdjudicateScreen(self.store, self.keys, anonymous=anonymous))

    def action_assign_team(self) -> None:
        from .assign import AssignDialog

        if self._lead_only("assign articles"):
            return
        self.app.push_screen(AssignDialog(self.store, self.keys), lambda _: self.refresh_status())
