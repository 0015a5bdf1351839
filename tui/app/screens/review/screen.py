"""The review screen: article on the left, Entities | Claims and the detail panel on the right.

:class:`ReviewScreen` holds the bindings, moving about, the other screens and which keys apply now;
the rest comes from its parts: :mod:`.core` (layout, what is shown), :mod:`.deciding`,
:mod:`.editing`, :mod:`.selection`, :mod:`.finding` and :mod:`.desk`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import BindingType

from ....sanitize import clean_line
from ...bindings import CURSOR_MODE_ACTIONS, REVIEW, SECTIONS, help_notes
from ...fields import ClaimFielder, Fields
from ...state import is_pending
from ...widgets.article import ArticleView
from ...widgets.candidates import CandidateList
from ..add import ArticleAdder, PathPrompt
from ..exporter import Exporter
from .deciding import Deciding
from .desk import DeskKeys
from .editing import Editing
from .finding import Finding
from .selection import BySelection

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


class ReviewScreen(Deciding, Editing, BySelection, Finding, DeskKeys):
    """The review screen (see the module's docstring for its parts)."""

    AUTO_FOCUS = None  # keys go to the screen; the article pane takes focus only in cursor mode (v)
    BINDINGS: ClassVar[list[BindingType]] = list(REVIEW)

    def action_skip(self) -> None:
        """On to the next row with something to decide, wrapping (QA, stop 45: space stopped on rows
        already decided, and the next `a` or `x` decided one of them again); `j` moves row by row."""
        if self._in_boundary_edit():
            return
        if self.state.skip():
            self.show()
        else:
            self.notify(
                f"nothing else to decide in this list ({self.keys.show('review.next', first=True)} moves on)",
                markup=False,
                timeout=2,
            )

    def action_move(self, delta: int) -> None:
        if self._in_boundary_edit():
            return
        if self.state.move(delta):
            self.show()

    def action_jump(self, where: str) -> None:
        if self._in_boundary_edit():
            return
        if self.state.jump(where):
            self.show()

    def _in_boundary_edit(self) -> bool:
        """A boundary edit holds the cursor on its candidate; a key that would move it says so (QA,
        stop 45: space, j and g did nothing, without a word)."""
        if self.preview is None:
            return False
        k = self.keys
        self.notify(
            f"a boundary edit is open: {k.show('review.confirm')} saves it, {k.show('review.cancel')} "
            "drops it — then move on",
            markup=False,
            timeout=3,
        )
        return True

    def action_switch_kind(self) -> None:
        view = self.query_one(ArticleView)
        if self.claim_flow is not None:  # the new claim's steps take the current candidate nowhere
            self._refuse_in_flow("lists")
            return
        if self.preview is not None:  # a boundary edit ends unsaved: its preview belongs to the list left
            self._end_preview()
        self.state.switch_kind()
        if view.cursor is not None and self.state.kind == "claim":  # selecting: the selection stays
            self.query_one(ClaimFielder).warm()  # the claim's content by selection will want its fields
            k = self.keys
            self.message = (
                f"{k.show('article.as_speaker')} {k.show('article.as_cue')} {k.show('article.as_content')}: "
                "the selection as this claim's speaker, cue or content"
            )
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
            decided, total = self.store.totals()  # (the status line's "store" count: kept, not recounted)
            left = decided < total
            self.notify(
                # QA: a reviewer outside the assigned team was told all was reviewed, with rows to go
                f"nothing left for you: the articles still to review are assigned to others "
                f"({self.keys.show('review.queue')} lists them; a lead can reassign)"
                if left
                else "every article is fully reviewed",
                markup=False,
                timeout=4 if left else 3,
            )
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

    def action_decide(self, action: str) -> None:
        """During a boundary edit, ``a`` keeps what the preview shows (the edit, as enter saves it) and
        ``x`` rejects the candidate as it stood, saying the edit was dropped (QA: both dropped the
        edit without a word, and ``a`` stored the old span)."""
        cand = self.state.cands.get(self.preview_id or "") if self.preview is not None else None
        if cand is not None and (cand["start"], cand["end"]) != self.preview:
            if action == "accept":
                self.action_confirm_boundary()
                return
            self.notify("the boundary edit was dropped: rejected as it stood", markup=False, timeout=3)
        super().action_decide(action)

    def action_confirm_boundary(self) -> None:
        """Enter: save the boundary edit in progress, else accept the current candidate."""
        if self.preview is None or self.preview_id is None or self.aid is None:
            self.action_decide("accept")
            return
        cid, (start, end) = self.preview_id, self.preview
        cand = self.state.cands.get(cid)
        self._end_preview()
        changes = {} if cand is None else {k: v for k, v in (("start", start), ("end", end)) if cand[k] != v}
        if changes and cand is not None and cand["kind"] == "claim":
            aid, seconds = self.aid, self.clock.lap()

            def save(got: Fields | None, why: str | None) -> None:
                self._boundary_saved(aid, cid, {**changes, **(got or {})}, seconds, why)

            self._with_claim_fields(start, end, save)
        elif changes:
            self._boundary_saved(self.aid, cid, changes, self.clock.lap(), None)
        elif cand is not None and is_pending(cand):
            # the span as it was, saved: it is right (QA, a newcomer: after a `]` that could not move,
            # Enter left the mode and a second Enter accepted; the help says "no edit: accept")
            self.show()
            self.action_decide("accept")
            return
        self.show()

    def action_escape(self) -> None:
        """Leave what is open, the last opened first: the keys panel (over everything), a boundary
        preview, character mode, a find's highlights, the filter."""
        view = self.query_one(ArticleView)
        if self.query("HelpPanel"):  # the palette's "Keys" panel: escape closes it, as it does the rest
            self.app.action_hide_help_panel()
        elif self.preview is not None:
            self._end_preview()
            self.show()
        elif self.char_mode:
            self._set_char_mode(False)
            self.refresh_status()
        elif view.matches:
            view.set_matches([], None)
            self.find_on = False
            self.refresh_status()
        elif self.state.query:
            self.apply_filter("")

    def action_queue(self) -> None:
        from ..queue import QueueScreen

        def chosen(aid: str | None) -> None:
            if aid:
                self.load_article(aid)

        self.app.push_screen(QueueScreen(self.store, self.aid, self.keys, presence=self.presence), chosen)

    def action_help(self) -> None:
        from ..help import HelpScreen

        self.app.push_screen(HelpScreen(SECTIONS, self.keys, help_notes(self.keys)))

    def action_export(self) -> None:
        self.query_one(Exporter).start()

    @on(Exporter.Done)
    def _exported(self, event: Exporter.Done) -> None:
        path = clean_line(event.path, 200)
        if event.code == 0:
            self.notify(
                f"exported accepted, edited and added items to {path} (same as 'newsreview export')",
                markup=False,
                timeout=6,
            )
            return
        # what the command said: a damaged article named (the others exported), or why nothing was
        said = "; ".join(clean_line(line, 300) for line in event.lines[:3])
        more = f" (and {len(event.lines) - 3} more lines)" if len(event.lines) > 3 else ""
        self.notify(f"export: {said}{more}", title="export", severity="error", markup=False, timeout=12)

    def action_quit(self) -> None:
        self.app.exit()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("filter", "find") and self.box is not None:
            return False  # priority bindings: inside the filter or find box their keys are typed
        if action in REVIEW_ACTIONS:
            if self._article_view is None:  # (asked for every key's every binding: found once)
                views = self.query(ArticleView)  # none yet while the screen is composed (the footer asks)
                self._article_view = views.first() if views else None
            if self._article_view is not None and self._article_view.cursor is not None:
                return action in CURSOR_MODE_ACTIONS
        if action in ARTICLE_ACTIONS and self.aid is None:
            return None
        return True
