"""The reviewers' versions of one candidate as the review screen holds it, and whether the desk is in
dispute over it. Pure (no Textual: the filter in :mod:`tui.app.state` reads it too).

A candidate of a reviewer's view carries ``reviews``: every reviewer's version that stands
(``{reviewer, status, decided_at, adjudication?, chose?, <fields that differ from the model's>}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Cand = dict[str, Any]

#: keys of a ``reviews`` entry that are not the reviewer's changed fields
REVIEW_KEYS = frozenset({"reviewer", "status", "decided_at", "adjudication", "chose", "changed_since", "in_effect"})


def changed_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a version changed (what is left of a ``reviews`` entry besides who, what and when)."""
    return {k: v for k, v in entry.items() if k not in REVIEW_KEYS}


def versions(cand: Cand) -> list[dict[str, Any]]:
    """The reviewers' versions of a candidate (adjudications left out), oldest first."""
    return [r for r in cand.get("reviews") or () if not r.get("adjudication")]


def version_key(entry: Mapping[str, Any]) -> tuple[str, str]:
    """What two versions must share to agree: kept or rejected, and the fields they changed."""
    status = "rejected" if entry.get("status") == "rejected" else "kept"
    return status, repr(sorted((k, repr(v)) for k, v in changed_fields(entry).items()))


def ruling_of(cand: Cand) -> dict[str, Any] | None:
    """The ruling the final view follows (``in_effect``; the latest by time in a view without it)."""
    rulings: list[dict[str, Any]] = [r for r in cand.get("reviews") or () if r.get("adjudication")]
    if not rulings:
        return None
    effective = [r for r in rulings if r.get("in_effect")]
    return effective[0] if effective else max(rulings, key=lambda r: str(r.get("decided_at") or ""))


def in_dispute(cand: Cand) -> bool:
    """Whether the desk disputes ``cand`` (the row's ``⚠``; the filter's ``status:disputed``): the
    reviewers' versions differ and no ruling settles them, or a reviewer who decided after the ruling
    in effect (its ``changed_since``: what the ruling saw, not the clocks) holds a version that differs
    from it (QA: a review after the ruling that agreed with it was marked ⚠)."""
    kept = versions(cand)
    ruled = ruling_of(cand)
    if ruled is None:
        return len({version_key(r) for r in kept}) > 1
    since, key = set(ruled.get("changed_since") or ()), version_key(ruled)
    return any(r.get("reviewer") in since and version_key(r) != key for r in kept)
