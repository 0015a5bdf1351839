"""Deriving a candidate's current state from its append-only decision history.

Pure functions over decision records; no I/O.  A decision record (one TinyDB document)::

    {"id", "seq", "article", "candidate", "kind", "action", "reviewer", "at", "seconds", "batch",
     "before": {...}, "after": {...}, "changes"?: {...}, "added"?: {candidate}, "target"?: decision id}

``action`` is one of accept, reject, edit, add (the analyst's own candidate), undo, redo.  Per
candidate there is a stack of applied decisions and a stack of undone ones: undo moves the top
applied decision to the undone stack, redo moves it back, and any new decision clears the undone stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DECIDED = ("accepted", "edited", "added", "rejected")


@dataclass
class History:
    applied: list[dict[str, Any]] = field(default_factory=list)
    undone: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # (decision, its undo)
    records: list[dict[str, Any]] = field(default_factory=list)

    def fold(self, record: dict[str, Any]) -> None:
        """Apply one record (must be valid for this history: see :func:`check`)."""
        self.records.append(record)
        action = record["action"]
        if action == "undo":
            self.undone.append((self.applied.pop(), record))
        elif action == "redo":
            self.applied.append(self.undone.pop()[0])
        else:
            self.applied.append(record)
            self.undone.clear()

    def check(self, action: str) -> str | None:
        """Why ``action`` cannot be applied now, or None."""
        if action == "undo" and not self.applied:
            return "nothing to undo on this candidate"
        if action == "redo" and not self.undone:
            return "nothing to redo on this candidate"
        return None

    @property
    def last_seq(self) -> int:
        return self.applied[-1]["seq"] if self.applied else -1

    @property
    def last_undo_seq(self) -> int:
        return self.undone[-1][1]["seq"] if self.undone else -1


def derive(original: dict[str, Any] | None, history: History | None) -> dict[str, Any] | None:
    """The candidate as it stands now: its fields, status and decision fields. None if it does not exist
    (an analyst's addition that was undone)."""
    applied = history.applied if history else []
    state: dict[str, Any] | None = dict(original) if original is not None else None
    if state is not None:
        state["status"] = "pending"
    changed: dict[str, Any] = {}
    for record in applied:
        action = record["action"]
        if action == "add":
            state = dict(record["added"])
            state["status"] = "added"
            continue
        if state is None:
            continue
        if action == "edit":
            for key, value in record["changes"].items():
                changed.setdefault(key, state.get(key))
                state[key] = value
        if action == "reject":
            state["status"] = "rejected"
        elif state.get("origin") == "analyst":
            state["status"] = "added"
        else:
            state["status"] = "edited" if changed else "accepted"
    if state is None:
        return None
    if applied:
        state["reviewer"] = applied[-1]["reviewer"]
        state["decided_at"] = applied[-1]["at"]
    if changed and state.get("origin") != "analyst":
        state["original"] = changed
    return state
