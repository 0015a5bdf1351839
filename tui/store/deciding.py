"""Decisions: a reviewer's accept / reject / edit / add (alone, in a batch, by entity group), a lead's
adjudication, and the global undo and redo. Each is written to the engine, durable, before it is
folded in memory."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from typing import Any

from extractors.vocabulary import CANDIDATE_ACTIONS, NOT_SPEAKERS

from ..sanitize import clean_line
from . import undo, validation, views
from .core import StoreCore
from .errors import DecisionError, NothingChanged, Unchanged
from .history import History, next_level
from .memory import as_decision
from .views import ADJUDICATION, REVIEW


class DecidingMixin(StoreCore):
    """Reviewers' decisions and leads' adjudications."""

    def decide(
        self,
        article_id: str,
        cand_id: str,
        action: str,
        *,
        changes: dict[str, Any] | None = None,
        seconds: float | None = None,
        adjudicate: bool = False,
    ) -> dict[str, Any]:
        """accept | reject | edit (with ``changes``) | undo | redo one candidate; durable on return.
        ``adjudicate``: as the desk's final decision (a lead's), not as one more review."""
        if adjudicate:
            return self.adjudicate(article_id, cand_id, action=action, changes=changes, seconds=seconds)
        try:
            return self.decide_many(article_id, [(cand_id, action, changes)], seconds=seconds)[0]
        except DecisionError as err:
            own = self._hists(article_id, cand_id).get((self.reviewer, ADJUDICATION))
            if action in ("undo", "redo") and own is not None and own.check(action) is None:
                raise DecisionError(
                    f'{err} among your reviews; to {action} your adjudication, say so (in apply: "adjudicate": true)'
                ) from None
            raise

    def decide_as_shown(
        self,
        article_id: str,
        cand_id: str,
        action: str,
        *,
        changes: dict[str, Any] | None = None,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """A decision on what this reviewer's own view shows (the review screen's keys). A lead's view
        shows her ruling on an item she settled and never reviewed, so there accept, reject and edit
        change that ruling — an edit keeps the ruling's other values — rather than add a review the
        desk's final view would not show. Anything else is :meth:`decide`. Returns the own view."""
        if not self._ruling_shown(article_id, cand_id, action):
            return self.decide(article_id, cand_id, action, changes=changes, seconds=seconds)  # (a key's usual path)
        same = self.unchanged_by(article_id, cand_id, action)
        if same is not None:  # (review: a second accept of her ruling ruled again, over another lead's since)
            raise Unchanged(f"already {same}", cand_id)
        state = self.candidate_or_added(article_id, cand_id)
        base = self.extracted(article_id, cand_id)
        editable = validation.ENTITY_EDITS if base["kind"] == "entity" else validation.CLAIM_EDITS
        values = {k: state[k] for k in editable if k in state and state[k] != base.get(k)}
        if action == "edit":
            values.update(changes or {})
        if action != "reject":
            action = "edit" if values else "accept"
        self.adjudicate(article_id, cand_id, action=action, changes=values, seconds=seconds)
        return self.candidate_or_added(article_id, cand_id)

    def unchanged_by(self, article_id: str, cand_id: str, action: str) -> str | None:
        """The status a review's ``action`` would leave this reviewer's candidate in when it would
        change nothing (an accept of what they accepted, or edited, already; a reject of what they
        rejected) — such a decision is not written — else None."""
        hists = self._hists(article_id, cand_id)
        if self._ruling_shown(article_id, cand_id, action):  # a lead's key there changes her ruling
            status = str(self.candidate_or_added(article_id, cand_id)["status"])
            if (action == "accept" and status in KEPT) or (action == "reject" and status == "rejected"):
                return status  # (an accept keeps the ruling's values, as decide_as_shown rules it)
            return None
        return _unchanged_by(hists.get((self.reviewer, REVIEW)) or History(), action)

    def _ruling_shown(self, article_id: str, cand_id: str, action: str) -> bool:
        """Whether ``action`` on this reviewer's view changes her ruling (:meth:`decide_as_shown`): a lead
        whose view shows what she settled on an item she never reviewed."""
        mine = self._hists(article_id, cand_id).get((self.reviewer, ADJUDICATION))
        if mine is None or mine.top is None or action not in ("accept", "reject", "edit"):
            return False
        return bool(self.candidate_or_added(article_id, cand_id).get("adjudication")) and self.is_lead()

    def decide_many(
        self,
        article_id: str,
        items: Iterable[tuple[str, str, dict[str, Any] | None]],
        *,
        seconds: float | None = None,
    ) -> list[dict[str, Any]]:
        """Several decisions as one durable transaction and one undo step (a batch)."""
        self._need_write()
        items = list(items)
        if len({cid for cid, _, _ in items}) < len(items):
            raise DecisionError("one batch decides each candidate once")
        batch = uuid.uuid4().hex[:12] if len(items) > 1 else None
        records = []
        article = self.article(article_id)
        twins = Twins(self, article_id, None)  # what the batch keeps, as it goes (the review)
        for cand_id, action, changes in items:
            state = self.candidate_or_added(article_id, cand_id)
            hist = self._hists(article_id, cand_id).get((self.reviewer, REVIEW)) or History()
            if state.get("origin") == "memory" and hist.top is None and action in ("accept", "edit"):
                records.append(
                    self._proposal_taken(article, state, changes if action == "edit" else None, seconds, batch, twins)
                )
                continue
            records.append(self._decision(article, state, hist, action, changes, seconds, batch, twins))
        self._commit(records)
        return [self.candidate_or_added(article_id, r["candidate"]) for r in records]

    def _proposal_of(self, aid: str, state: dict[str, Any]) -> dict[str, Any] | None:
        """The desk vocabulary's proposal ``state`` is (not an addition, not the machine's), as proposed."""
        cid = state["id"]
        if state.get("origin") != "memory" or self._alive.get(aid, {}).get(cid, 0) > 0:
            return None
        if cid in self._file(aid)["candidates"]:
            return None
        found = self._proposed.get(aid, {}).get(cid) or self.proposals(aid).get(cid)
        return {k: v for k, v in found.items() if k != "suggestion"} if found is not None else None

    def _proposal_taken(
        self,
        article: dict[str, Any],
        state: dict[str, Any],
        changes: dict[str, Any] | None,
        seconds: float | None,
        batch: str | None,
        twins: Twins,
    ) -> dict[str, Any]:
        """Accepting a proposed candidate adds it (it is the analyst's, remembered from the desk)."""
        fields = {"kind": "entity", "start": state["start"], "end": state["end"], "label": state["label"]}
        fields.update(changes or {})
        cand = validation.new_candidate(article, fields)
        cand["origin"] = "memory"
        twins.check(cand, PENDING_TOO)
        twins.take(cand["id"], {**cand, "status": "added"})
        record = self._record(article["id"], cand["id"], "entity", "add", seconds=seconds, batch=batch)
        record["before"] = None
        record["after"] = {"status": "added"}
        record["added"] = cand
        return record

    def _decision(
        self,
        article: dict[str, Any],
        state: dict[str, Any],
        hist: History,
        action: str,
        changes: dict[str, Any] | None,
        seconds: float | None,
        batch: str | None,
        twins: Twins,
    ) -> dict[str, Any]:
        if action not in CANDIDATE_ACTIONS:
            raise DecisionError(
                f"unknown action '{clean_line(action, 40)}' (use accept, reject, edit, add, undo, redo, adjudicate)"
            )
        problem = hist.check(action)
        if state["status"] == "removed" and action != "redo":
            problem = f"candidate '{state['id']}' was added and then undone: redo it first"
        if problem:
            raise DecisionError(problem)
        same = _unchanged_by(hist, action)
        if same is not None:
            raise Unchanged(f"already {same}", state["id"])
        record = self._record(article["id"], state["id"], state["kind"], action, seconds=seconds, batch=batch)
        record["before"] = {"status": state["status"]}
        proposed = self._proposal_of(article["id"], state)
        if proposed is not None:  # what was proposed, kept with the decision (core.decided_proposals)
            record["proposed"] = proposed
        if action == "edit":
            clean = validation.changes(article, state, changes or {})
            self._check_speaker_entity(article["id"], clean.get("speaker"), self._file(article["id"])["candidates"])
            twins.check({**state, **clean}, PENDING_TOO if {"start", "end", "label"} & set(clean) else KEPT)
            twins.take(state["id"], {**state, **clean, "status": "edited"})
            record["changes"] = clean
            record["before"].update({k: state.get(k) for k in clean})
            record["after"] = {"status": "added" if hist.top and hist.top.added else "edited", **clean}
        elif action in ("undo", "redo"):  # never refused: an undo must always work
            target = hist.applied[-1] if action == "undo" else hist.undone[-1][0]
            record["target"] = target.record["id"]
            record["after"] = {"status": "(previous)" if action == "undo" else target.status}
            twins.take(state["id"], None)
        else:
            level = next_level(hist.top, record)
            record["after"] = {"status": level.status if level else state["status"]}
            if record["after"]["status"] in KEPT:  # an accept keeps it: not beside a twin kept already
                twins.check(state, KEPT)
            twins.take(state["id"], {**state, "status": record["after"]["status"]})
        return record

    def _record(
        self, aid: str, cid: str, kind: str, action: str, *, seconds: float | None, batch: str | None
    ) -> dict[str, Any]:
        return {
            "id": "d-" + uuid.uuid4().hex[:16],
            "seq": 0,
            "article": aid,
            "candidate": cid,
            "kind": kind,
            "action": action,
            "reviewer": self.reviewer,
            "at": self.stamp(),
            "seconds": round(seconds, 3) if seconds is not None else None,
            "batch": batch,
        }

    def _commit(self, records: list[dict[str, Any]]) -> None:
        for aid in {r["article"] for r in records}:
            self._ensure(aid)  # fold what the journals hold first, so the new records come on top, once
        self.engine.append_decisions(records)
        self._log_changed = True
        for record in records:
            self._touched.setdefault(record["article"], set()).add(self.reviewer)
            self.assignments.started(record["article"], self.reviewer)
            self._fold(record)

    def add_candidate(self, article_id: str, fields: dict[str, Any], *, seconds: float | None = None) -> dict[str, Any]:
        """The analyst's own candidate: ``kind``, ``start``, ``end``, ``label`` (entities) or claim fields."""
        self._need_write()
        article = self.article(article_id)
        cand = validation.new_candidate(article, fields)
        originals = self._file(article_id)["candidates"]
        self._check_speaker_entity(article_id, cand.get("speaker"), originals)
        # the desk's additions are known once the article's decisions are folded (QA: the first line
        # of an `apply` batch touching an article passed, the same line later in the batch was refused)
        self._ensure(article_id)
        if cand["id"] in originals or self._alive.get(article_id, {}).get(cand["id"], 0) > 0:
            what = f"'{clean_line(cand['text'], 50)}'" + (f" ({cand['label']})" if cand["kind"] == "entity" else "")
            raise DecisionError(
                f"that {cand['kind']} is there already: {what}, id {cand['id']}: accept or edit it instead"
            )
        Twins(self, article_id, None).check(cand, PENDING_TOO)
        record = self._record(article_id, cand["id"], cand["kind"], "add", seconds=seconds, batch=None)
        record["before"] = None
        record["after"] = {"status": "added"}
        record["added"] = cand
        self._commit([record])
        return self.candidate(article_id, cand["id"])

    def twin_of(self, article_id: str, cand: dict[str, Any]) -> dict[str, Any] | None:
        """The item of this reviewer's view an addition of ``cand`` (kind, start, end, label) would
        repeat — pending ones too — or None (the app asks before a new claim's speaker and cue)."""
        return Twins(self, article_id, None).find(cand, PENDING_TOO)

    def _check_speaker_entity(self, article_id: str, speaker: Any, originals: dict[str, Any]) -> None:
        """A speaker linked to an entity names one of this article's entities (the machine's or an
        analyst's): an unknown id was kept and then silently dropped by the export."""
        eid = speaker.get("entity_id") if isinstance(speaker, dict) else None
        if eid is None:
            return
        entity = self._base(article_id, eid, originals)
        if entity is None and article_id not in self._folded:
            self._ensure(article_id)  # an analyst's entity: known once the article's decisions are folded
            entity = self._base(article_id, eid, originals)
        if entity is None or entity.get("kind") != "entity":
            raise DecisionError(f"field 'speaker.entity_id': no entity '{clean_line(eid, 80)}' in this article")
        label = entity.get("label")
        with contextlib.suppress(DecisionError):  # as it stands now (QA: "Monday" relabelled PERSON was refused)
            label = self.candidate_or_added(article_id, eid).get("label", label)
        if label in NOT_SPEAKERS:  # QA: a speaker linked to "Monday" was taken
            raise DecisionError(
                f"field 'speaker.entity_id': '{clean_line(eid, 80)}' is a {label} entity "
                f"('{clean_line(entity.get('text'), 40)}'), which cannot speak"
            )

    def adjudicate(
        self,
        article_id: str,
        cand_id: str,
        *,
        choose: str | None = None,
        action: str | None = None,
        changes: dict[str, Any] | None = None,
        seconds: float | None = None,
    ) -> dict[str, Any]:
        """Settle a candidate for the desk: pick the version of reviewer ``choose``, or give one's own
        (``action`` accept/reject/edit with ``changes``); undo/redo ``action`` steps through the
        adjudicator's own adjudications. Returns the candidate in the final view."""
        self._need_write()
        self.need_lead("settle disputes")
        article = self.article(article_id)
        self._ensure(article_id)  # an analyst's addition is known from the decisions (QA: "unknown
        # candidate" for a disputed addition, ruled on by `apply`, which had read no decision of it yet)
        originals = self._file(article_id)["candidates"]
        base = self._base(article_id, cand_id, originals)
        if base is None:
            raise DecisionError(f"unknown candidate '{clean_line(cand_id, 80)}'")
        hists = self._hists(article_id, cand_id)
        mine = hists.get((self.reviewer, ADJUDICATION)) or History()
        before = views.final(base, hists)
        record = self._record(article_id, cand_id, base["kind"], "adjudicate", seconds=seconds, batch=None)
        record["before"] = {"status": before["status"]}
        record["seen"] = views.seen_by(hists, self.reviewer)
        if action not in ("undo", "redo") and before["status"] != "disputed" and views.in_effect(hists) is None:
            # a ruling settles a dispute; made on an item the reviewers agree on (or nobody decided) it
            # would silently outrank every later review of it
            raise DecisionError(
                f"candidate '{clean_line(cand_id, 80)}' is not disputed (final status: {before['status']}): "
                "an adjudication settles reviewers' disagreement; decide it as a review instead"
            )
        versions = {who: state for who, state in views.versions(base, hists)}
        if action in ("undo", "redo"):
            problem = mine.check(action)
            if problem:
                raise DecisionError(problem.replace("candidate", "candidate's adjudication"))
            target = mine.applied[-1] if action == "undo" else mine.undone[-1][0]
            record.update(action=action, role=ADJUDICATION, target=target.record["id"])
            record["after"] = {"status": "(previous)" if action == "undo" else target.status}
            self._commit([record])
            return self.candidate(article_id, cand_id, view="final")
        if choose is not None:
            if choose not in versions:
                names = ", ".join(sorted(versions)) or "nobody yet"
                raise DecisionError(
                    f"field 'choose': '{clean_line(choose, 64)}' has not decided this candidate (decided: {names})"
                )
            chosen = versions[choose]
            status = chosen["status"]
            values = {k: v for k, v in chosen.items() if k in views.VERSION_FIELDS and base.get(k) != v}
            record["choose"] = choose
        else:
            if action not in ("accept", "reject", "edit"):
                raise DecisionError(
                    "an adjudication chooses a reviewer's version ('choose') or decides: accept, reject or edit"
                )
            values = {}
            if action == "edit":
                try:
                    values = validation.changes(article, base, changes or {})
                except NothingChanged:  # QA: the README's own example, a ruling for the model's label, refused
                    values = {}  # the candidate as extracted is the ruling
            self._check_speaker_entity(article_id, values.get("speaker"), originals)
            if action == "reject":
                status = "rejected"
            elif base.get("origin") == "analyst":
                status = "added"
            else:
                status = "edited" if values else "accepted"
        if status in ("edited", "accepted") and base.get("origin") == "analyst":
            status = "added"
        if status != "rejected":
            Twins(self, article_id, "final").check(
                {**base, **values}, KEPT, whose=f"{clean_line(choose, 40)}'s version" if choose else None
            )
        record["versions"] = {who: hists[(who, REVIEW)].top.record["id"] for who in versions}  # type: ignore[union-attr]
        record["result"] = {"status": status, "values": values}
        record["after"] = {"status": status}
        self._commit([record])
        return self.candidate(article_id, cand_id, view="final")

    def undo_last(self, reviewer: str | None = None, *, adjudications: bool = False) -> list[tuple[str, str]]:
        """Undo this reviewer's latest step still in effect (a whole batch if it was one), whatever the
        article — with ``adjudications``, their latest adjudication. Returns the (article, candidate)
        pairs."""
        return self._step("undo", ADJUDICATION if adjudications else None)

    def redo_last(self, reviewer: str | None = None, *, adjudications: bool = False) -> list[tuple[str, str]]:
        return self._step("redo", ADJUDICATION if adjudications else None)

    def _step(self, action: str, only: str | None = None) -> list[tuple[str, str]]:
        self._need_write()
        me = self.reviewer
        found = undo.find_step(action, me, self.engine.recent(me), self._role, self._hists, self._records, only)
        if found is None:
            return []
        role, batch, first = found
        if role == ADJUDICATION:
            self.need_lead("undo or redo adjudications")
        if batch is None:
            targets = [first]
        else:
            targets = undo.batch_members(action, me, role, batch, first[0], self._reviews.get(first[0], {}))
        records = []
        new_batch = uuid.uuid4().hex[:12] if len(targets) > 1 else None
        for aid, cid in targets:
            hist = self._hists(aid, cid)[(me, role)]
            target = hist.applied[-1] if action == "undo" else hist.undone[-1][0]
            record = self._record(aid, cid, target.record["kind"], action, seconds=None, batch=new_batch)
            record["target"] = target.record["id"]
            if role == ADJUDICATION:
                record["role"] = ADJUDICATION
                # what this step saw, as a ruling records it (QA: `U` in the app, without it, let the
                # rulings fall back to the clocks, and another lead's older ruling came back in effect)
                record["seen"] = views.seen_by(self._hists(aid, cid), me)
            record["before"] = {"status": hist.status}
            record["after"] = {"status": "(previous)" if action == "undo" else target.status}
            records.append(record)
        self._commit(records)
        return targets

    def groups(self, article_id: str, *, view: str | None = None) -> dict[str, dict[str, Any]]:
        """The article's entity groups (see :mod:`extractors.groups`) by the labels of ``view``."""
        from extractors.groups import entity_groups

        ents = [c for c in self.candidates(article_id, "entity", view=view) if c["status"] != "removed"]
        return entity_groups(article_id, ents)

    def decide_group(
        self, article_id: str, group: str, action: str, *, label: str | None = None, seconds: float | None = None
    ) -> list[dict[str, Any]]:
        """Decide every mention of a group this reviewer has not decided yet, as one undo step:
        accept, reject, or edit (relabel to ``label``; mentions that have it already are accepted)."""
        groups = self.groups(article_id)
        if group not in groups:
            raise DecisionError(f"no group '{clean_line(group, 80)}' in article '{clean_line(article_id, 80)}'")
        if action not in ("accept", "reject", "edit"):
            raise DecisionError("a group decision is accept, reject or edit (with a label)")
        if action == "edit":
            label = validation.label(label)
        states = {c["id"]: c for c in self.candidates(article_id, "entity")}
        items: list[tuple[str, str, dict[str, Any] | None]] = []
        for cid in groups[group]["mentions"]:
            state = states[cid]
            if state["status"] != "pending":
                continue
            if action == "edit" and state["label"] != label:
                items.append((cid, "edit", {"label": label}))
            else:
                items.append((cid, "accept" if action == "edit" else action, None))
        if not items:  # (a script run again: as an accept of what is accepted, nothing is written)
            raise Unchanged(
                f"every mention of '{clean_line(groups[group]['name'], 60)}' is decided already",
                ",".join(groups[group]["mentions"]),
            )
        return self.decide_many(article_id, items, seconds=seconds)

    def adjudicate_group(
        self,
        article_id: str,
        group: str,
        *,
        choose: str | None = None,
        action: str | None = None,
        label: str | None = None,
        seconds: float | None = None,
    ) -> list[dict[str, Any]]:
        """Settle every disputed mention of a group alike — the version of reviewer ``choose``, or the
        lead's own ``action`` (accept, reject, or edit: relabel to ``label``) — each its own ruling
        (QA, stop 46: a group two reviewers decided apart took a line per mention). Returns the
        mentions settled, in the final view."""
        groups = self.groups(article_id)
        if group not in groups:
            raise DecisionError(f"no group '{clean_line(group, 80)}' in article '{clean_line(article_id, 80)}'")
        if choose is None and action not in ("accept", "reject", "edit"):
            raise DecisionError("a group ruling chooses a reviewer's version, or is accept, reject or edit (a label)")
        changes = {"label": validation.label(label)} if action == "edit" else None
        disputed = [cid for cid in groups[group]["mentions"] if self.final_status(article_id, cid) == "disputed"]
        if not disputed:
            raise DecisionError(f"no mention of '{clean_line(groups[group]['name'], 60)}' is disputed")
        return [
            self.adjudicate(article_id, cid, choose=choose, action=action, changes=changes, seconds=seconds)
            for cid in disputed
        ]

    def confirm_suggestions(self, article_id: str, *, seconds: float | None = None) -> list[dict[str, Any]]:
        """Every pending suggestion of the article (accept, relabel, reject, and proposed additions)
        as this reviewer's decisions, in one undo step."""
        items = [
            as_decision(cand)
            for cand in self.candidates(article_id, "entity")
            if cand["status"] == "pending" and cand.get("suggestion")
        ]
        if not items:
            raise DecisionError("no pending suggestions in this article")
        return self.decide_many(article_id, items, seconds=seconds)


#: statuses a view keeps; with pending ones (an edit or addition onto a pending twin: accept that one)
KEPT = ("accepted", "edited", "added")
PENDING_TOO = ("pending", *KEPT)


TWIN_VIEWS_KEPT = 4  # articles whose reviewer's view is kept between decisions


class TwinView:
    """One view of an article's entities and claims by key (span, and label for an entity)."""

    def __init__(self) -> None:
        self.index: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
        self.where: dict[str, tuple[Any, ...]] = {}  # candidate id -> its key in the index

    def put(self, cand_id: str, state: dict[str, Any] | None) -> None:
        old = self.where.pop(cand_id, None)
        if old is not None:
            self.index[old].pop(cand_id, None)
        if state is not None and state.get("kind") in ("entity", "claim"):
            key = Twins.key(state)
            self.index.setdefault(key, {})[cand_id] = state
            self.where[cand_id] = key


def _unchanged_by(hist: History, action: str) -> str | None:
    """The status ``action`` keeps when it changes nothing of ``hist``'s top; None when it changes
    something. With a step to redo on the candidate the decision is written: it ends what redo reaches."""
    top = hist.top
    if action not in ("accept", "reject") or top is None or hist.undone:
        return None
    level = next_level(top, {"action": action})
    if level is None or (level.status, level.values, level.added) != (top.status, top.values, top.added):
        return None
    return top.status


class Twins:
    """The entities (span and label) and claims (content span) one view of an article keeps, to refuse
    a decision that would make one of them twice. QA: the export held "UK" GPE twice (a lead chose
    ana's trim where bob had added "UK" himself), a claim's content moved onto another's listed the
    statement twice. Indexed by span and kept up to date as a batch's decisions are taken (the review:
    read per decision, a group relabel of 800 mentions took 5 s, and two edits of one batch onto one
    span both passed). The reviewer's own view is kept by the store between decisions, each candidate
    a decision changed read again alone (read whole, it cost an accept 0.7 ms on the sample)."""

    def __init__(self, store: StoreCore, article_id: str, view: str | None) -> None:
        self.store, self.article_id, self.view = store, article_id, view
        self._view: TwinView | None = None  # as read (for the reviewer's own view: the store's, shared)
        self._taken: dict[str, dict[str, Any] | None] = {}  # what the batch's decisions so far leave
        self._taken_view = TwinView()  # the same, by key

    @staticmethod
    def key(cand: dict[str, Any]) -> tuple[Any, ...]:
        if cand["kind"] == "entity":
            return ("entity", cand["start"], cand["end"], cand.get("label"))
        return ("claim", cand["start"], cand["end"])

    def _whole(self) -> TwinView:
        view = TwinView()
        for cand in self.store.candidates(self.article_id, view=self.view, plain=True):
            view.put(cand["id"], cand)
        return view

    def _read(self) -> TwinView:
        """The view as read; the reviewer's own as the store keeps it: read whole once, then only
        what changed."""
        if self._view is not None:
            return self._view
        if self.view is not None:
            self._view = self._whole()
            return self._view
        store, aid = self.store, self.article_id
        kept: TwinView | None = store._twin_views.pop(aid, None)
        stale = store._twin_stale.pop(aid, set())
        if kept is None:
            kept = self._whole()
            stale = set()
        store._twin_views[aid] = kept  # most recent last
        while len(store._twin_views) > TWIN_VIEWS_KEPT:  # QA: one per article ever decided on, 0.2 MB each
            old = next(iter(store._twin_views))
            store._twin_views.pop(old)
            store._twin_stale.pop(old, None)
        for cand_id in stale:
            try:
                kept.put(cand_id, store.candidate_or_added(aid, cand_id))
            except DecisionError:
                kept.put(cand_id, None)
        self._view = kept
        return kept

    def find(self, cand: dict[str, Any], kept: tuple[str, ...]) -> dict[str, Any] | None:
        """Another item, with a status in ``kept``, that is the same entity or claim — in the view as
        read, as the batch's decisions so far leave it (those are not in the store yet)."""
        if cand.get("kind") not in ("entity", "claim"):
            return None
        key = self.key(cand)
        read = [s for cid, s in self._read().index.get(key, {}).items() if cid not in self._taken]
        taken = list(self._taken_view.index.get(key, {}).values())
        return next((s for s in read + taken if s["id"] != cand.get("id") and s.get("status") in kept), None)

    def check(self, cand: dict[str, Any], kept: tuple[str, ...], *, whose: str | None = None) -> None:
        """Refuse ``cand`` (as the decision leaves it) if :meth:`find` finds its twin."""
        other = self.find(cand, kept)
        if other is not None:
            kind = cand["kind"]
            shown = f"'{clean_line(other.get('text'), 40)}'" + (
                f", {clean_line(other['label'], 20)}" if kind == "entity" else ""
            )
            what = whose or f"{kind} '{clean_line(cand.get('text'), 40)}' at {cand['start']}..{cand['end']}"
            hint = (
                "reject this one instead"
                if other["status"] != "pending"
                else "accept that one and reject this one instead"
            )
            raise DecisionError(
                f"{what} would be the same {kind} as '{other['id']}' ({shown}, {other['status']}): {hint}"
            )

    def take(self, cand_id: str, state: dict[str, Any] | None) -> None:
        """What a decision of the batch leaves (None: not known until it is folded — an undo)."""
        self._taken[cand_id] = state
        self._taken_view.put(cand_id, state)
