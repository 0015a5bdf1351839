"""Deriving a candidate's state from one reviewer's append-only decisions on it.

Pure code over decision records; no I/O. A decision record (one TinyDB document of a journal)::

    {"id", "seq", "article", "candidate", "kind", "action", "reviewer", "at", "seconds", "batch",
     "before": {...}, "after": {...}, "changes"?: {...}, "added"?: {candidate}, "target"?: decision id,
     "choose"?: reviewer, "result"?: {"status", "values"}, "versions"?: {reviewer: decision id}}

``action`` is accept, reject, edit, add (the analyst's own candidate), undo, redo or adjudicate.
Each reviewer has, per candidate, a stack of applied decisions and a stack of undone ones: undo moves
the top applied decision to the undone stack, redo moves it back, any other decision clears the undone
stack. Every stack level keeps the state after its decision, so folding a record and reading the
current state both cost the same however long the history is (replay is linear).

Adjudications (a lead settling a dispute) are kept in a history of their own per lead, so undoing
one never touches that lead's own review of the candidate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.vocabulary import DECIDED

__all__ = ["DECIDED", "History", "Level", "next_level", "version_key"]

Record = dict[str, Any]
Candidate = dict[str, Any]

ENTITY_FIELDS = ("start", "end", "label")
CLAIM_FIELDS = ("start", "end", "speaker", "cue", "quote_type")


@dataclass(frozen=True)
class Level:
    """One applied decision and the reviewer's state of the candidate after it."""

    record: Record
    status: str
    values: dict[str, Any]  # fields changed by this reviewer's edits so far (cumulative)
    added: bool  # this reviewer added the candidate

    @property
    def at(self) -> str:
        return str(self.record["at"])


_BASE = Level({}, "pending", {}, False)


@dataclass
class History:
    applied: list[Level] = field(default_factory=list)
    undone: list[tuple[Level, Record]] = field(default_factory=list)  # (level, the undo that undid it)
    records: list[Record] = field(default_factory=list)

    @property
    def top(self) -> Level | None:
        return self.applied[-1] if self.applied else None

    def check(self, action: str) -> str | None:
        """Why ``action`` cannot be applied now, or None."""
        if action == "undo" and not self.applied:
            return "nothing to undo on this candidate"
        if action == "redo" and not self.undone:
            return "nothing to redo on this candidate"
        return None

    def fold(self, record: Record) -> None:
        """Apply one record; a record that does not fit (an undo with nothing to undo, in a store
        repaired by doctor) is kept in the history and changes nothing."""
        self.records.append(record)
        action = record["action"]
        if action == "undo":
            if self.applied:
                self.undone.append((self.applied.pop(), record))
            return
        if action == "redo":
            if self.undone:
                self.applied.append(self.undone.pop()[0])
            return
        level = next_level(self.top, record)
        if level is None:
            return
        self.applied.append(level)
        self.undone.clear()

    def state(self, base: Candidate | None) -> Candidate | None:
        """The candidate as this history leaves it: None if it does not exist for this reviewer (an
        addition of theirs that was undone, or never made), else its fields and status."""
        top = self.top
        if top is None:
            if base is None:
                return None
            return {**base, "status": "pending"}
        if top.added:  # an addition's original is the addition as made (an edit of it since)
            base = next(lv.record["added"] for lv in self.applied if lv.record["action"] == "add")
        if base is None:
            return None
        state = {**base, **top.values, "status": top.status}
        original = {k: base.get(k) for k in top.values if base.get(k) != top.values[k]}
        if original:
            state["original"] = original
        state["reviewer"] = top.record["reviewer"]
        state["decided_at"] = top.record["at"]
        return state

    @property
    def status(self) -> str:
        top = self.top
        return top.status if top is not None else "pending"

    @property
    def alive_addition(self) -> bool:
        top = self.top
        return top is not None and top.added


def next_level(top: Level | None, record: Record) -> Level | None:
    """The level a decision (not an undo or redo) puts on top of ``top``."""
    prev = top or _BASE
    action = record["action"]
    if action == "add":
        return Level(record, "added", {}, True)
    if action == "edit":
        values = {**prev.values, **record.get("changes", {})}
        return Level(record, "added" if prev.added else "edited", values, prev.added)
    if action == "accept":
        status = "added" if prev.added else ("edited" if prev.values else "accepted")
        return Level(record, status, prev.values, prev.added)
    if action == "reject":
        return Level(record, "rejected", prev.values, prev.added)
    if action == "adjudicate":
        result = record.get("result") or {}
        return Level(record, str(result.get("status", "accepted")), dict(result.get("values") or {}), False)
    return None


def version_key(kind: str, state: Candidate) -> tuple[Any, ...]:
    """What two reviewers must share to agree on a candidate: rejected, or kept with the same fields."""
    if state["status"] == "rejected":
        return ("rejected",)
    names = ENTITY_FIELDS if kind == "entity" else CLAIM_FIELDS
    values = []
    for name in names:
        value = state.get(name)
        if isinstance(value, dict):  # speaker / cue: the span is what matters
            value = (value.get("start"), value.get("end"))
        values.append(value)
    return ("kept", *values)
