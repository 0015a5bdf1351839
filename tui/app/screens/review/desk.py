"""The desk on the review screen: other reviewers' decisions as they come, and a lead's keys
(adjudication, assignment)."""

from __future__ import annotations

from typing import Any

from ....store import DecisionError, StoreError
from ....store.store import Changes
from ...live import Presence
from ...text import one_line
from ...widgets.article import ArticleView
from ...widgets.status import StatusBar
from .core import ReviewCore


class DeskKeys(ReviewCore):
    """Other reviewers' work as the LiveFeed reports it, and the keys only a lead may use."""

    def live_changed(self, changes: Changes, presence: Presence) -> None:
        """Others decided, added articles or moved (called by the LiveFeed, on the main thread): the
        candidates they decided on here are read again and shown where they are."""
        ids = self.store.article_ids()
        if self.aid is None:
            if ids:
                self.load_article(self.store.next_pending_article() or ids[0])
            return
        # another process re-extracted this article, or changed the label set or the suggestions
        # setting (QA: the counts followed a new label set, the list did not, and `a` decided a
        # hidden row): its list is new
        extracted = self.aid in changes.extracted
        if extracted or (changes.index and self.scope_now() != self.scope_shown):
            current = self.state.current()
            if not self._extracted_again(current["id"] if current else None, extracted=extracted):
                return
            if current is not None and current["id"] not in self.state.cands:
                self._nearest_to(current, extracted=extracted)
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

    def _extracted_again(self, focus: str | None, *, extracted: bool) -> bool:
        """The article's new candidates in place: the text is the same, so a selection, a boundary edit
        (while its candidate is still there) and the scroll go on as they were (QA: a lead's reextract
        ended the analyst's boundary edit without a word, and her Enter then saved a plain accept)."""
        assert self.aid is not None
        read = self.read_article(self.aid)
        if read is None:
            return False
        article, cands = read
        if article["text"] != self.text:  # (not a re-extraction of this text: shown afresh)
            return self.load_article(self.aid, focus=focus)
        self.article = article
        view = self.query_one(ArticleView)
        editing = self.preview_id
        self.state.load(cands, focus=editing or focus, article=self.aid)
        view.replace_candidates(cands)
        if editing is not None and editing not in self.state.cands:
            self._end_preview()
            self.notify(
                "the boundary edit ended unsaved: "
                + (
                    "the article was extracted again and its candidate went"
                    if extracted
                    else "the store's new label set hides its candidate"
                ),
                severity="warning",
                markup=False,
                timeout=6,
            )
        self.show(lists=True, scroll=False)
        return True

    def _nearest_to(self, gone: dict[str, Any], *, extracted: bool = True) -> None:
        """The row the analyst was on went with a re-extraction: the candidate nearest it in the text
        (of its kind, listed) becomes current, and a toast says so. QA: the first row became current
        without a word, and the next `a` accepted four mentions of an unrelated entity."""
        near = sorted(
            (c for c in self.state.cands.values() if c["kind"] == gone["kind"]),
            key=lambda c: (abs(c["start"] - gone["start"]), c["start"], c["id"]),
        )
        for cand in near:
            if self.state.select(cand["id"]):
                break
        self.show()
        why = "the article was extracted again elsewhere" if extracted else "the store's label set changed"
        self.notify(
            f"{why} and the row you were on ({one_line(gone.get('text'), 40)}) is no longer listed: the nearest "
            "one is current",
            severity="warning",
            markup=False,
            timeout=6,
        )

    def live_alert(self, text: str) -> None:
        self.query_one(StatusBar).alert = text

    def _lead_only(self, what: str) -> bool:
        """True (and the analyst told why) when the store has leads and this reviewer is none."""
        try:
            self.store.need_lead(what)
        except StoreError as err:
            self.notify(str(err), title="a lead's key", severity="warning", markup=False, timeout=6)
            return True
        return False

    def action_adjudicate(self) -> None:
        from ..adjudicate import AdjudicateScreen

        if self._lead_only("settle disputes"):
            return
        anonymous = bool(getattr(self.app, "anonymous", False))  # review --anonymous: names hidden there too
        self.app.push_screen(AdjudicateScreen(self.store, self.keys, anonymous=anonymous))

    def action_assign_team(self) -> None:
        from ..assign import AssignDialog

        if self._lead_only("assign articles"):
            return
        self.app.push_screen(AssignDialog(self.store, self.keys), lambda _: self.refresh_status())
