"""Which decisions an undo or a redo reverts: one reviewer's latest step still in effect.

A *step* is one decision, or one batch (a group decision, confirmed suggestions: records sharing a
``batch`` id, always on one article). Undo takes the latest of the reviewer's records whose decision is
still the top of its candidate's stack; redo, the latest undo not yet redone, unless a decision came
after it (as in an editor: a new step ends what redo can reach). Pure functions over the
histories (:mod:`tui.store.history`); the store records the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .history import History

Key = tuple[str, str]  # (reviewer, role)
Target = tuple[str, str]  # (article, candidate)


def find_step(
    action: str,
    me: str,
    recent: Iterable[dict[str, Any]],
    role_of: Callable[[dict[str, Any]], str],
    hists_of: Callable[[str, str], Mapping[Key, History]],
    records: Mapping[str, dict[str, Any]],
    only: str | None = None,
) -> tuple[str, str | None, Target] | None:
    """(role, batch id or None, the first target) of the step ``action`` ("undo" | "redo") reverts,
    walking ``recent`` (the reviewer's records, newest first); None if there is nothing to revert.
    ``only``: steps in that role alone (the adjudication screen's undo touches adjudications only)."""
    for record in recent:
        aid, cid, act = record["article"], record["candidate"], record["action"]
        role = role_of(record)
        if only is not None and role != only:
            continue
        hist = hists_of(aid, cid).get((me, role))
        if hist is None:
            continue
        if action == "undo":
            if act == "undo" or hist.top is None:
                continue
            decision = records.get(record["target"]) if act == "redo" else records.get(record["id"])
            if decision is not None and hist.top.record["id"] == decision["id"]:
                return role, decision.get("batch"), (aid, cid)
        else:
            if act not in ("undo", "redo"):  # a newer decision: what was undone before it stays undone
                return None
            if act != "undo" or not hist.undone:
                continue
            if hist.undone[-1][1]["id"] == record["id"]:
                return role, record.get("batch"), (aid, cid)
    return None


def batch_members(
    action: str, me: str, role: str, batch: str, aid: str, cands: Mapping[str, Mapping[Key, History]]
) -> list[Target]:
    """The candidates of article ``aid`` (``cands``: its histories by candidate) whose top — for undo —
    or latest undone step — for redo — is ``batch``."""
    out = []
    for cid, hists in cands.items():
        hist = hists.get((me, role))
        if hist is None:
            continue
        if (action == "undo" and hist.top is not None and hist.top.record.get("batch") == batch) or (
            action == "redo" and hist.undone and hist.undone[-1][1].get("batch") == batch
        ):
            out.append((aid, cid))
    return out
