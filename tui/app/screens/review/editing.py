"""Editing a candidate: its boundaries by keys (with a preview) and the edit dialog."""

from __future__ import annotations

from typing import Any

from ....store import StoreError
from ... import spans
from ...fields import ClaimFielder, Fields
from ...text import one_line
from ...widgets.article import ArticleView
from .core import FIELDS_WAIT, ReviewCore


class Editing(ReviewCore):
    """A candidate's boundaries by keys (previewed until saved) and the edit dialog."""

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
            self.app.bell()  # and said (QA, a newcomer: `]` on a one-token entity did nothing visible)
            start, end = self.preview
            if (edge == "start") == (direction > 0):
                why = f"'{one_line(self.text[start:end], 40)}' cannot shrink any further"
                if not self.char_mode:
                    why += f" by a token ({self.keys.show('review.char_mode')} moves by character)"
            else:
                why = f"the {edge} can go no further that way"
            self.notify(why, markup=False, timeout=3)
            if self.preview == (cand["start"], cand["end"]):
                self.query_one(ArticleView).set_preview(self.preview)
                self.refresh_status()
            return
        self.preview = moved
        self.query_one(ArticleView).set_preview(moved)
        self.refresh_detail()
        self.refresh_status()

    def _boundary_saved(self, aid: str, cid: str, changes: dict[str, Any], seconds: float, why: str | None) -> None:
        state = self._write(self.store.decide_as_shown, aid, cid, "edit", changes=changes, seconds=seconds)
        if state is not None and self.aid == aid:
            self.apply_states([state])
            self.state.select(cid)
            if why is not None:
                self._fields_missing(why)
            else:
                self.notify(f"edited: {one_line(state['text'], 60)}", markup=False, timeout=2)
            self.show()

    def action_edit(self) -> None:
        from ..dialogs import EditDialog

        on_group = self.state.current_group() is not None
        self._open_mention()
        cand = self.current()
        if cand is None or self.aid is None:
            return
        # QA (a newcomer): `e` on a group row edited its first pending mention, the title naming only the
        # text: which one, and that the others stay as they are
        mention = None
        where = self.state.mention_number(cand["id"]) if cand["kind"] == "entity" else None
        if where is not None and where[2] > 1:
            mention = f"mention {where[1]} of {where[2]}" + (
                " (the group's other mentions stay as they are)" if on_group else ""
            )
        # a boundary edit in progress opens in the editor, to save with the rest (QA, stop 45: the editor
        # opened on the stored offsets, the move dropped without a word, the panel still showing it)
        span = self.preview if self.preview is not None and self.preview_id == cand["id"] else None
        if self.preview is not None:
            self._end_preview()
            self.show()
        aid = self.aid
        entities = [c for c in self.state.cands.values() if c["kind"] == "entity" and c.get("status") != "rejected"]
        if cand["kind"] == "claim":
            self.query_one(ClaimFielder).warm()

        def save(changes: dict[str, Any]) -> str | None:
            moved = cand["kind"] == "claim" and ("start" in changes or "end" in changes)
            start, end = changes.get("start", cand["start"]), changes.get("end", cand["end"])
            if moved and isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(self.text):
                seconds = self.clock.lap()
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
            return self._edit_saved(aid, cand["id"], changes, self.clock.lap(), None)

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
            EditDialog(
                cand,
                self.text,
                entities,
                self.label_order(),
                save,
                self.keys,
                names,
                select_text,
                self.flow,
                span,
                mention=mention,
            )
        )

    def _edit_saved(self, aid: str, cid: str, changes: dict[str, Any], seconds: float, why: str | None) -> str | None:
        """The editor's save: None, or why the store refused (the editor shows it)."""
        if self.busy == FIELDS_WAIT:  # a claim edit saved before waits for the pipeline: after it (see _write)
            self.clock.give_back(seconds)
            return "the claim edit before this one is still being saved (the spaCy model is loading): save again in a moment"
        self._take_over()
        try:
            state = self.store.decide_as_shown(aid, cid, "edit", changes=changes, seconds=seconds)
        except StoreError as err:
            self.clock.give_back(seconds)  # the next save is of the same edit
            return str(err)
        if self.aid == aid:
            self.apply_states([state])
            self.state.select(cid)
            if why is not None:
                self._fields_missing(why)
            self.show()
        return None
