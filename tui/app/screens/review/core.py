"""The review screen's core: its layout, the article it shows, and the one place that puts the
review state on the widgets (:meth:`ReviewCore.show`).

Every decision goes to the store first; the screen changes only after the store returned (so what
the analyst sees as decided is on disk). A failed write is a notification and nothing changes. The
keys' actions live in the mixins beside this module, each a subclass of :class:`ReviewCore`; what is
listed and current lives in :class:`~tui.app.state.ReviewState` (no Textual).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from extractors.records import token_range
from extractors.wrapping import unwrapped

from ....store import StoreError
from ... import spans
from ...bindings import ARTICLE, REVIEW, Keys, key_display, mode_hint
from ...desk import present_here
from ...fields import ClaimFielder, Fields, Then, not_computed
from ...live import LiveFeed, Presence
from ...state import ActiveClock, FilterError, ReviewState, is_pending, label_order
from ...text import one_line
from ...widgets.article import ArticleView
from ...widgets.box import BoxInput
from ...widgets.candidates import SPEAKER_FROM, CandidateList, as_read
from ...widgets.detail import DetailPanel, detail, group_detail
from ...widgets.footer import ReviewFooter
from ...widgets.status import StatusBar
from ..add import ArticleAdder
from ..exporter import Exporter

if TYPE_CHECKING:
    from ....store import ReviewStore


P = ParamSpec("P")
T = TypeVar("T")
Cand = dict[str, Any]

#: seconds after the last decision before suggestions and proposals are read again from the store
SYNC_AFTER = 0.6
#: the status bar while a claim's decision waits for the spaCy pipeline (its numbers, check-worthiness)
FIELDS_WAIT = "loading the spaCy model for the claim's numbers and check-worthiness…"
#: the status bar on the claims while the pipeline cannot be loaded (the decisions are saved without)
FIELDS_OFF = "claim fields could not be computed (spaCy model did not load): new scores stay 0"
#: below this width a selection's keys come before the counts on the status line: the footer, cut
#: there, lists few of them (QA, stop 45: at 80 columns s/r/C, m and h/l/w/b were nowhere on screen)
NARROW_SELECT = 120


class ReviewCore(Screen[None]):
    """The review screen's state and widgets; the keys' actions are in its subclasses."""

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
        self._selection_keys: dict[str, str] | None = None  # a selection's keys, what each does
        self._flow = ("", "")  # (text, the same unwrapped): see :attr:`flow`
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
        self.scope_shown: tuple[tuple[str, ...] | None, bool] = (None, False)  # see scope_now
        self.busy = ""  # shown in the status bar while the ArticleAdder reads or extracts
        # said on the status line until the next key (cheaper than a toast on the keypress path); a
        # refresh meanwhile (the suggestions read again, the desk's news) keeps it
        self.message = ""
        self.find_query = ""
        # whether the find's matches are on show (escape hides them; the query stays for f3), and
        # whether it matches whole words (a find from *): another article (or the same one read again)
        # shows its own matches only then, counted the same way
        self.find_on = False
        # the candidate current when a find last went to a match: `v` while it still is selects the match
        self.found_at: str | None = None
        self.find_whole = False
        self._shown: str | None = None  # the candidate the clock runs for
        self._tabs_shown: Text | None = None  # what the tab line shows (repainted only when it changes)
        self._feed: LiveFeed | None = None  # looked up once: a DOM query on every key adds up
        self.box: str | None = None  # the input open at the bottom: "filter" or "find"
        self._article_view: ArticleView | None = None  # check_action's, once mounted
        self.claim_flow: dict[str, Any] | None = None  # a new claim being built by selection (see _create)

    # -- layout ----------------------------------------------------------------------------------------

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
        yield BoxInput(
            partial(self.box_entered, "filter"),
            partial(self.box_escaped, "filter"),
            placeholder="filter: words, status:pending, label:PERSON, kind:claim, type:direct — enter applies",
            id="filter",
        )
        yield BoxInput(
            partial(self.box_entered, "find"),
            partial(self.box_escaped, "find"),
            placeholder="find in the article — enter goes to the match",
            id="find",
        )
        yield ReviewFooter()
        adder = ArticleAdder(self.store, self.model)
        yield adder
        yield Exporter(self.store)
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
        # the detail panel's label colours are made for its background: drawn again when that changes
        self.query_one("#detail", DetailPanel).restyled = self.refresh_detail
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

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the pane the keys go to has the brighter border: the article while it has the focus
        # (selection, character mode), else the lists (QA: the lists, never focused, never showed it)
        self.set_class(isinstance(event.widget, ArticleView), "-article-keys")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, ArticleView):
            self.remove_class("-article-keys")

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
        if footer.show_command_palette != (not narrow):
            footer.show_command_palette = not narrow
        if self.is_mounted:  # a mode's keys before or after the counts, as the new width has it
            self.refresh_status()
            # (not a reactive that recomposes: QA, narrowed from 160 columns the palette's key stayed,
            # over help and quit)
            footer.refresh(recompose=True)
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
        if view.cursor is not None:  # selecting: the cursor (QA: a resize left it a line below the pane)
            view.scroll_to_offset(view.cursor, view.cursor + 1)
        elif cand is not None:
            view.set_current(cand["id"], scroll=True)

    def show_empty(self) -> None:
        self.add_class("-empty")  # the detail panel's hint shows at any width (QA: blank at 80×24)
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
                "  newsreview article.txt\n\n(the repository has a sample: examples/uk-russia-iran-drones.txt)"
            )
        )
        self.show(lists=True)

    # -- the article -----------------------------------------------------------------------------------

    def _left_off(self, ids: list[str]) -> str | None:
        """Where this reviewer left off: the article they last had open while it has something left for
        them, else the next one that has (None: the store's first pending, their assigned first)."""
        recall = getattr(self.app, "left_off", None)  # ReviewApp's (not a bare test app's)
        last = recall() if callable(recall) else None
        if last not in ids:
            return None
        decided, total = self.store.progress(last)
        return last if decided < total else self.store.next_pending_article(after=last)

    def read_article(self, aid: str) -> tuple[dict[str, Any], list[Cand]] | None:
        """The article and the candidates the review may see, or None (with a notification saying why)."""
        try:
            return self.store.article(aid), self._in_scope(self.store.candidates(aid))
        except StoreError as err:
            # (15 s, not Textual's 5: an article that cannot be read is news the analyst must not miss
            # while the next one opens — CI under load read the notes after it had gone)
            self.notify(str(err), severity="error", markup=False, timeout=15)
            return None

    def load_article(self, aid: str, *, focus: str | None = None) -> bool:
        """Show an article; False (with a notification saying why) if it cannot be read."""
        read = self.read_article(aid)
        if read is None:
            return False
        article, cands = read
        view = self.query_one(ArticleView)
        if view.cursor is not None:
            view.action_leave()
        self.aid = aid
        self.article = article
        self.remove_class("-empty")
        self._end_preview()
        self.state.load(cands, focus=focus, article=aid)
        for kind in ("entity", "claim"):
            self.table(kind).article_text = self.flow
        self.query_one("#article-col").border_title = Text(one_line(article.get("title") or article["id"], 200))
        self.query_one("#article-meta", Static).update(self._meta_line())
        view.set_article(article["text"], cands, article.get("tokens") or [], self.flow)
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
    def flow(self) -> str:
        """The article as the extraction reads it and the pane shows it: a hard-wrapped paragraph's
        line breaks as spaces (the same length and offsets; ``extractors.wrapping``), so that a find
        matches words a wrap put on two lines."""
        text = self.text
        if self._flow[0] is not text:
            self._flow = (text, unwrapped(text))
        return self._flow[1]

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
            if shown.get("token_start") is not None:  # (QA: the old candidate's tokens were shown)
                shown["token_start"], shown["token_end"] = token_range(self.text, self.tokens, start, end)
        if shown is not None and self.flow is not self.text:  # a hard-wrapped article: as the pane reads it
            shown = as_read(shown, self.flow)
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
        # the panel's own background (QA: the table's, or none for a group, left the legend's labels
        # unreadable on a light theme)
        palette = panel.palette() if panel.is_mounted else None
        group = self.state.current_group()
        if group is not None:
            panel.update(
                group_detail(
                    self.state.group_row(group["id"]), self.state.mentions(group["id"]), self.flow, legend, k, palette
                )
            )
            return
        history = self.store.history(self.aid, cand["id"]) if cand else []  # (a group row shows none)
        mention = self.state.mention_number(cand["id"]) if cand else None
        where = None
        if mention is not None and cand is not None:
            gid, number, count = mention
            rest = sum(1 for m in self.state.mentions(gid) if m["id"] != cand["id"] and is_pending(m))
            where = (self.state.groups[gid]["name"], number, count, rest)
        final = self._final_status(cand["id"]) if cand else None
        # QA: a reviewer who is no lead was told "J adjudicates", and J then refused
        me, jkey = self.store.reviewer, (k.show("review.adjudicate") if self.store.is_lead() else "")
        linked = ((shown or {}).get("speaker") or {}).get("entity_id") if shown and shown["kind"] == "claim" else None
        entity = self.state.cands.get(linked) if linked else None
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
                speaker_entity=str(entity.get("status")) if entity else None,
                speaker_label=str(entity.get("label")) if entity else None,
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
        bar.message = self.message
        if not bar.message and self.state.kind == "claim" and self.query_one(ClaimFielder).error is not None:
            bar.message = FIELDS_OFF
        if self.box is not None:
            mode = self.box
        elif self.preview is not None:
            mode = "preview"
        else:
            mode = "select" if self.query_one(ArticleView).cursor is not None else ""
        bar.mode, bar.hint = mode_hint(self.keys, mode, char_mode=self.char_mode)
        # a boundary edit's keys before the counts: the footer does not list them (QA: "enter save,
        # esc cancel" never showed at 80 columns); a selection's are in the footer, so on a wide screen
        # the counts (and a find's) keep their place first (QA, stop 34) — not on a narrow one
        bar.hint_first = mode == "preview" or (mode == "select" and self.size.width < NARROW_SELECT)
        if self.claim_flow is not None and mode == "select":
            bar.mode, bar.hint = self._flow_hint()
            bar.hint_first = True  # what to do next in the new claim's steps comes before the counts
            if bar.message:  # (a key refused at this step, say): before the step's keys, seen at 80 columns
                bar.hint, bar.message = f"{bar.message} — {bar.hint}", ""
        self._refresh_desk(bar)

    def on_key(self, event: events.Key) -> None:
        """A key (before its binding acts): the message said after the previous one goes. Only a key
        ends it: the suggestions read again 0.6 s after a decision wiped the message of the decision
        itself ("all entities decided; now the claims"), before anyone could read it (QA). A key's
        binding clears it too (:meth:`ReviewApp.run_action`): keys of one burst reach this before the
        previous key's binding has run."""
        self.clear_message()
        hint = self._selection_key_hint(event.key) if event.is_printable and event.key != "space" else ""
        if hint:
            self.message = hint
            self.refresh_status()

    def _selection_key_hint(self, key: str) -> str:
        """What a key of a text selection does, when it is pressed outside one and means nothing
        here (QA: ``r``, "as cue" after ``v``, did nothing at all on the list — no word why). Keys that
        type a character only: esc or enter pressed out of habit say nothing."""
        if self._selection_keys is None:  # (the review screen's own keys are never looked at: j, k, …)
            review = {k for b in REVIEW if b.id for k in self.keys.keys(b.id)}
            self._selection_keys = {  # (not "back" or "none": keys to leave a selection, re-test)
                k: b.description
                for b in reversed(ARTICLE)
                if b.id and b.id not in ("article.leave", "article.step")
                for k in self.keys.keys(b.id)
                if k not in review
            }
        what = self._selection_keys.get(key)
        if (
            what is None
            or self.aid is None
            or self.box is not None
            or self.preview is not None
            or isinstance(self.focused, Input)
        ):
            return ""
        if self.query_one(ArticleView).cursor is not None or key in self.active_bindings:
            return ""
        # (what to do first: at 80 columns the status line cuts the rest)
        return (
            f"press {self.keys.show('review.cursor_mode', first=True)} to select text first: "
            f"{key_display(key)} (“{what}”) works on a selection"
        )

    def clear_message(self) -> None:
        if self.message:
            self.message = ""
            self.refresh_status()

    # -- store results, and reading the store again ----------------------------------------------------

    def apply_states(self, states: list[Cand], *, fresh: bool = False) -> None:
        """Store results onto the state and the widgets (rows in place, or the lists refilled); unless
        ``fresh`` (read from the store just now), suggestions are read again once decisions pause."""
        desk_here = self.state.desk_article is not None and self.state.desk_article == self.aid
        learnt = False  # a claim decided: what the desk has learnt moves the other claims' scores
        if desk_here:
            for state in states:  # a claim added or moved takes its place by the desk's score
                old = self.state.cands.get(state["id"])
                moved = old is None or any(old.get(k) != state.get(k) for k in ("start", "end", "checkworthiness"))
                if state["kind"] == "claim" and state.get("status") != "removed":
                    learnt |= old is None or old.get("status") != state.get("status")
                    if moved:
                        self.state.set_desk_score(state["id"], self.store.desk_score(state))
        rebuilt = self.state.apply(states)
        if learnt:
            self._desk_moved(rebuilt)
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
        if self.busy == FIELDS_WAIT:
            # QA: a claim edit waiting for the pipeline is saved when it has loaded; a decision (or an
            # undo) keyed meanwhile went in first, then the edit overrode it (or undo took the one before).
            # Keys wait for the edit now (KeysInOrder.pause): this is for one that gave up waiting
            self.notify(
                "not saved: the claim edit before it is still being saved (the spaCy model is loading); "
                "press the key again in a moment",
                severity="warning",
                markup=False,
                timeout=4,
            )
            return None
        if fn not in (self.store.undo_last, self.store.redo_last):
            self._take_over()
        try:
            return fn(*args, **kwargs)
        except StoreError as err:
            self.notify(str(err), title="not saved", severity="error", markup=False, timeout=8)
            return None

    def _desk_moved(self, rebuilt: bool) -> None:
        """Show the scores of this article's claims as the desk's decisions have moved them (the rows
        stay where they are)."""
        try:
            desk = self.store.desk
            scores = {cid: desk.score(c) for cid, c in self.state.cands.items() if c.get("kind") == "claim"}
        except StoreError:
            return  # (the scores shown stay; the next read of the store says what failed)
        changed = self.state.desk_moved(scores)
        if not rebuilt:
            table = self.table("claim")
            for cid in changed:
                table.update(self.state.cands[cid])

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
        self.scope_shown = self.scope_now()
        if self.store.labels is None:
            self._hidden_suggestions = 0
            return cands
        shown = [c for c in cands if self.store.in_scope(c)]
        self._hidden_suggestions = sum(
            1 for c in cands if c.get("suggestion") and is_pending(c) and not self.store.in_scope(c)
        )
        return shown

    def scope_now(self) -> tuple[tuple[str, ...] | None, bool]:
        """What decides which candidates the lists hold: the store's label set and suggestions setting."""
        labels = self.store.labels
        return (tuple(labels) if labels is not None else None, bool(self.store.suggestions))

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
        with contextlib.suppress(StoreError):  # a damaged store: the article's own labels still count
            # labels analysts gave, in other articles too, with their entities (QA: "no candidates")
            for label, n in self.store.labels_given().items():
                counts.setdefault(label, n)  # (a label the machine gives keeps the machine's count)
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

    # -- modes the keys' parts share: boundary preview, selection, claim fields ------------------------

    def _set_char_mode(self, on: bool) -> None:
        self.char_mode = on
        self.query_one(ArticleView).set_by_char(on)

    def _end_preview(self) -> None:
        """The boundary edit ends (saved or not); character mode ends with it."""
        if self.preview is not None:
            self.preview = self.preview_id = None
            self.query_one(ArticleView).set_preview(None)
        if self.char_mode and self.query_one(ArticleView).cursor is None:
            self._set_char_mode(False)

    def _previewed(self, cand: Cand) -> dict[str, int]:
        """The boundary edit in progress on ``cand``, ended: its changed offsets ({} if none)."""
        if self.preview is None or self.preview_id != cand["id"]:
            return {}
        start, end = self.preview
        self._end_preview()
        return {k: v for k, v in (("start", start), ("end", end)) if cand[k] != v}

    def _fields_missing(self, why: str | None) -> None:
        """A claim was saved without its numbers and check-worthiness: a toast says why; the status
        line keeps saying so while the pipeline is missing (see :meth:`refresh_status`)."""
        self.notify(not_computed(why), title="claim fields", severity="warning", markup=False, timeout=8)

    def _with_claim_fields(self, start: int, end: int, then: Then) -> None:
        """``then`` with the numbers, hedges and check-worthiness of the claim at [start, end) of this
        article: at once when the pipeline is loaded, else once it is (the status bar says so)."""
        fielder = self.query_one(ClaimFielder)

        keys = getattr(self.app, "keys_in_order", None)

        def done(got: Fields | None, why: str | None) -> None:
            waited = self.busy == FIELDS_WAIT and not fielder.waiting
            if waited:
                self.busy = ""
                self.refresh_status()
            then(got, why)  # it shows what it saved (and a message, once)
            if waited and keys is not None:
                keys.resume()  # the keys typed meanwhile act now, on what the edit left

        if not fielder.request(self.text, start, end, done):
            self.busy = FIELDS_WAIT
            self.refresh_status()
            if keys is not None:
                keys.pause()  # typed ahead behind the edit: they wait for it (not refused, not before it)

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
        match = None
        if self.find_on and view.match_index is not None and self.found_at == (cand["id"] if cand else None):
            # a find, then `v`: the match, selected (QA: the current candidate's first token was, and
            # `e` offered to add that instead)
            match = view.matches[view.match_index]
            at = match[0]
        view.set_by_char(self.char_mode)
        view.enter_cursor_mode(at)
        if match is not None:
            view.select_span(*match)
            self.char_mode = view.by_char
        self.refresh_status()

    def _flow_hint(self) -> tuple[str, str]:
        flow, k = self.claim_flow or {}, self.keys
        # the step's own keys first: at 80 columns the line is cut at its end (QA: "⏎ none" was cut off)
        sel = (
            f"{k.show('article.select_left')} {k.show('article.select_right')} select  "
            f"{k.shortest('article.grow_start')} {k.shortest('article.grow_end')} to sentence"
        )
        if flow.get("step") == "speaker":
            return "NEW CLAIM: SPEAKER", f"{k.show('article.as_speaker')} speaker  {k.show('article.step')} none  {sel}"
        return "NEW CLAIM: CUE", f"{k.show('article.as_cue')} cue  {k.show('article.step')} none (save)  {sel}"

    # -- the filter and find boxes ---------------------------------------------------------------------

    def _open_box(self, box_id: str, value: str) -> None:
        for box in self.query(Input):
            if box.id != box_id:
                box.display = False
                box.disabled = True
        box = self.query_one(f"#{box_id}", Input)
        box.display = True
        box.disabled = False
        box.value = value
        self.set_focus(box)  # at once: keys of the same burst (a paste, ssh) go to the box, not the screen
        self.box = box_id
        self.add_class("-box-open")  # notifications above the box, not over it (newsreview.tcss)
        self.refresh_status()

    def _close_box(self, box_id: str) -> None:
        box = self.query_one(f"#{box_id}", Input)
        box.display = False
        box.disabled = True
        self.box = None
        self.remove_class("-box-open")
        view = self.query_one(ArticleView)
        self.set_focus(view if view.cursor is not None else None)

    def box_entered(self, box_id: str, value: str) -> None:
        """Enter in the filter box (or the find box: :class:`Finding`), as the box reads it."""
        if box_id == "filter":
            self.apply_filter(value)

    def box_escaped(self, box_id: str) -> None:
        """Escape in a box: it closes; an escaped filter shows every candidate again."""
        if self.box != box_id:
            return
        self._close_box(box_id)
        if box_id == "filter":
            self.apply_filter("")
        self.refresh_status()

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

    def _refresh_find(self) -> None:
        """A new article: the find query stays, its matches are this article's."""
        if self.find_query and self.find_on:  # QA: a find escaped away came back with the next article
            self._find(step=False, quiet=True, whole_words=self.find_whole)

    def _find(self, *, step: bool, quiet: bool = False, whole_words: bool = False) -> None:
        view = self.query_one(ArticleView)
        self.find_on, self.find_whole = True, whole_words
        matches = spans.find_all(self.flow, self.find_query, whole_words=whole_words)
        if not matches:
            view.set_matches([], None)
            # a find this article does not show is dropped (QA: escape could not reach it, and it came
            # back articles later); f3 still has its words
            self.find_on = False
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
        cand = self.current()
        self.found_at = cand["id"] if cand else None
        if view.cursor is not None:
            view.select_span(*matches[index])
            if view.by_char != self.char_mode:
                self.char_mode = view.by_char
        self.refresh_status()

    # -- the desk on the status line -------------------------------------------------------------------

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
        here = present_here(self.presence, self.aid, me)
        if here:  # first: on a narrow terminal the line is cut from its end
            parts.append("with " + ", ".join(one_line(w, 20) for w in here))
        if (decided, total) != bar.here or disputed:
            parts.append(f"desk {decided}/{total}")
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
