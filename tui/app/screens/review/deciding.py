"""Deciding on candidates: accept, reject, relabel, a group's mentions at once, suggestions, the
label set, undo and redo."""

from __future__ import annotations

from typing import Any

from ....store import StoreError
from ....store.memory import as_decision
from ...state import is_pending, label_order
from ...text import one_line
from ...widgets.article import ArticleView
from .core import Cand, ReviewCore


class Deciding(ReviewCore):
    """The keys that decide: every decision goes to the store first, the screen follows its answer."""

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
        if self._unchanged(cand, action):
            return
        state = self._write(self.store.decide_as_shown, self.aid, cand["id"], action, seconds=self.clock.lap())
        if state is None:
            return
        self.apply_states([state])
        if cand.get("origin") == "memory":
            self._sync()  # a proposal taken becomes the analyst's own candidate
        self._after_decision(cand["id"])

    def _unchanged(self, cand: Cand, action: str) -> bool:
        """An accept or reject of what this reviewer decided so already writes nothing (it would be an
        undo step that undoes nothing) and moves on, as a decision does."""
        assert self.aid is not None
        try:
            same = self.store.unchanged_by(self.aid, cand["id"], action)
        except StoreError:
            return False  # the decision says why
        if same is None:
            return False
        self.message = f"already {same}: nothing written"
        self._after_decision(cand["id"])
        return True

    def _after_decision(self, after: str) -> None:
        outcome = self.state.next_pending(after)
        if outcome == "switched":
            now = "claims" if self.state.kind == "claim" else "entities"
            before = "entities" if now == "claims" else "claims"
            listed = " listed" if self.state.query else ""
            self.message = f"all {before}{listed} decided; now the {now}"
            # a toast too: the keys now act on the other list, and the status line's end, where the
            # message goes, is cut at 80 columns (QA took the switch for a Tab that did nothing)
            self.notify(
                f"all {before}{listed} decided: the {now} now ({self.keys.show('review.switch')} goes back)",
                markup=False,
                timeout=4,
            )
        elif outcome == "done" and self.state.query and (left := self.state.decisions_left()):
            # QA (stop 45): "article done" under a filter, with rows to decide outside it
            self.message = (
                f"all listed decided; {left} more outside the filter ({self.keys.show('review.cancel')} clears)"
            )
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
        if self.store.labels is not None and label not in self.store.labels:
            self.notify(
                f"{one_line(label, 30)} is not in the store's label set: the entity stays on this list, and the "
                f"default export leaves it out ({self.keys.show('review.label_set')} adds the label)",
                markup=False,
                timeout=6,
            )
        group = self.state.current_group()
        if group is not None:
            self._decide_group(group, "edit", label)
            return
        cand = self.current()
        if cand is None or cand["kind"] != "entity" or self.aid is None:
            return
        seconds = self.clock.lap()
        # a boundary edit in progress on it is saved with the label, as one edit (QA, stop 45: `L` dropped
        # it without a word; a number key left it open on this mention while the cursor moved on)
        span = self._previewed(cand)
        if label == cand["label"] and not span:
            if self._unchanged(cand, "accept"):
                return
            state = self._write(self.store.decide_as_shown, self.aid, cand["id"], "accept", seconds=seconds)
        else:
            changes = {**span, **({"label": label} if label != cand["label"] else {})}
            state = self._write(
                self.store.decide_as_shown, self.aid, cand["id"], "edit", changes=changes, seconds=seconds
            )
        if state is not None:
            self.apply_states([state])
            if cand.get("origin") == "memory":
                self._sync()
            self._after_decision(cand["id"])

    def action_bulk_accept(self) -> None:
        from ..dialogs import Confirm

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

    def _decide_group(self, group: Cand, action: str, label: str | None = None) -> None:
        """Decide every pending mention of a group as one undo step: one batch of exactly the mentions
        the screen shows pending (the live view keeps them in step with the store)."""
        aid, gid = self.aid, group["id"]
        if aid is None:
            return
        pending = [m for m in self.state.mentions(gid) if is_pending(m)]
        if not pending:  # nothing written; on to the next, as a decision (and a row's) would (QA: it stayed)
            self.message = (
                f"every mention of {one_line(group['name'], 40)} is decided: nothing written "
                f"({self.keys.show('review.expand')} lists them to change one)"
            )
            self._after_decision(gid)
            return
        if action == "edit" and label is None:
            return
        seconds = self.clock.lap() / len(pending)  # the time spent, shared by the decisions
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
        if cand is not None and cand["kind"] == "claim":  # QA: it said "this entity has no other mentions"
            self.notify(
                f"{k.show('review.apply_rest')} applies an entity's decision to its other mentions; claims have none",
                markup=False,
                timeout=3,
            )
            return
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
        states = self._write(self.store.decide_many, self.aid, items, seconds=self.clock.lap() / len(items))
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
        from ..dialogs import LabelPicker

        cand = self.current()
        if cand is None or cand["kind"] != "entity" or self.aid is None:
            self.notify(f"relabelling is for entities ({self.keys.show('review.switch')})", markup=False, timeout=2)
            return
        group = self.state.current_group()
        row, aid = self.state.current_id(), self.aid
        text = f"{group['name']} ×{len(group['mentions'])}" if group else cand["text"]
        if self.preview is not None and self.preview_id == cand["id"] and not group:
            text = self.text[self.preview[0] : self.preview[1]]  # the span as the boundary edit has it
        labels = label_order(self.store.labels, [*self._store_labels(), cand["label"]])

        def picked(label: str | None) -> None:
            if label and self.aid == aid and self.state.current_id() == row:
                self._relabel(label)

        self.app.push_screen(
            LabelPicker(text, labels, self.keys, title="Relabel: ", current=None if group else cand["label"]), picked
        )

    def action_confirm_suggestions(self) -> None:
        from ..dialogs import Confirm

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
            seconds = self.clock.lap() / len(hints)
            if self._hidden_suggestions:  # the store's own would decide hidden candidates too
                items = [as_decision(c) for c in hints]
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
        from ..dialogs import LabelSet

        counts = self._store_labels()
        # in the pipeline's order whatever the set holds (QA: an unticked label moved to the end, below
        # the fold, and was taken for gone); the set's own labels and those in use after them
        labels = label_order(None, counts)

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
        if self.preview is not None:  # undo, during a boundary edit, ends it unsaved
            self._end_preview()
            self.show()
            return
        view = self.query_one(ArticleView)
        if view.cursor is not None:  # in the article's selection mode
            if self.claim_flow:
                self.message = (
                    f"{which}: finish the new claim first ({self.keys.show('article.leave', first=True)} drops it)"
                )
                self.refresh_status()
                return
            view.action_leave()  # back to the lists, as Escape, then the step
        fn = self.store.undo_last if which == "undo" else self.store.redo_last
        group = self._write(fn)
        if group is None:
            return
        if not group:
            self.notify(f"nothing to {which}", markup=False, timeout=2)
            return
        aid, cid = group[0]
        elsewhere = aid != self.aid
        if elsewhere:
            self.load_article(aid, focus=cid)
        else:
            states = [self.store.candidate_or_added(a, c) for a, c in group if a == aid]
            self.apply_states(states)
            self._sync()  # proposals come back (or go) with the additions undone (or redone)
            self.state.select(cid)
            self.show()
        # what became of what (QA, a newcomer: "undo: 1 decision" said neither, and went by in 2 s)
        cand = self.state.cands.get(cid) if self.aid == aid else None
        said = f"{'undone' if which == 'undo' else 'redone'}: "
        if cand is not None:
            said += f"'{one_line(cand['text'], 40)}' now {cand['status']}"
        else:
            said += f"{len(group)} decision{'s' if len(group) > 1 else ''}"
        if cand is not None and len(group) > 1:
            said += f" (and {len(group) - 1} more, one step)"
        if elsewhere:  # the article that decision was in, open now
            title = self.store.article_info(aid).get("title") or aid
            said += f", in “{one_line(str(title), 40)}”: it is open now"
        self.notify(said, markup=False, timeout=4)
