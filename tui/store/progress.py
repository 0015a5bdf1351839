"""Progress: how many of an article's candidates are decided, and the store's sums, kept incrementally.

An article's figure comes from its counts by *key* (an entity's label, ``*claim`` for claims): the
machine's candidates as extracted, and the cached or folded summary of its decisions (see
``ReviewStore._entry``), restricted to the store's label set. The store marks an article when
something that counts changes (a decision, an extraction, the label set); marked articles are
recounted on the next read, so opening a store with 10,000 articles counts each once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from extractors.vocabulary import DECIDED

Count = tuple[int, int]  # (decided, total)


def count(
    model_counts: dict[str, int],
    entry: dict[str, Any] | None,
    in_scope: Callable[[str], bool],
    reviewer: str | None,
) -> Count:
    """One article's (decided, total): decided by ``reviewer``, or in the desk's final view when None;
    the total counts the machine's candidates and the additions still alive."""
    total = sum(n for k, n in model_counts.items() if in_scope(k))
    if entry is None:
        return 0, total
    total += sum(n for k, n in entry["alive"].items() if in_scope(k))
    if reviewer is not None:  # what their own view shows decided: their reviews, and what they settled as a lead
        mine = entry["done"].get(reviewer, {})
        return sum(n for k, n in mine.items() if in_scope(k)), total
    decided = sum(
        n for k, statuses in entry["final"].items() if in_scope(k) for s, n in statuses.items() if s in DECIDED
    )
    return decided, total


class Tally:
    """Per-article counts and their sums; ``recount`` gives an article's figure when it is marked."""

    def __init__(self, recount: Callable[[str], Count], exists: Callable[[str], bool]) -> None:
        self._recount = recount
        self._exists = exists
        self._of: dict[str, Count] = {}
        self._dirty: set[str] = set()
        self._totals = [0, 0]

    def mark(self, aid: str) -> None:
        self._dirty.add(aid)

    def mark_all(self, aids: Iterable[str]) -> None:
        self._dirty.update(aids)

    def drop(self, aid: str) -> None:
        """The article left the store: its figure leaves the sums."""
        old = self._of.pop(aid, None)
        if old is not None:
            self._totals[0] -= old[0]
            self._totals[1] -= old[1]
        self._dirty.discard(aid)

    def _clean(self) -> None:
        for aid in self._dirty:
            if not self._exists(aid):
                continue
            old = self._of.get(aid, (0, 0))
            new = self._recount(aid)
            self._of[aid] = new
            self._totals[0] += new[0] - old[0]
            self._totals[1] += new[1] - old[1]
        self._dirty.clear()

    def of(self, aid: str) -> Count:
        if self._dirty:
            self._clean()
        return self._of[aid]

    def totals(self) -> Count:
        if self._dirty:
            self._clean()
        return self._totals[0], self._totals[1]


# a candidate's share of its article's summary: its key, who decided it, whose ruling settles it, its
# final status, and whose own view shows it decided (who decided it, and the leads who settled it)
Part = tuple[str, tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]


def count_part(entry: dict[str, Any], part: Part, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) one candidate's share of an article summary; counts that
    reach zero go, as a summary counted afresh would not hold them."""
    key, whos, judges, status, done = part
    for who in whos:
        bump(entry["decided"], who, key, sign)
    for who in done:
        bump(entry["done"], who, key, sign)
    for who in judges:
        bump(entry.setdefault("adjudicated", {}), who, key, sign)
    if status != "pending":
        bump(entry["final"], key, status, sign)


def bump(table: dict[str, dict[str, int]], outer: str, inner: str, sign: int) -> None:
    counts = table.setdefault(outer, {})
    counts[inner] = counts.get(inner, 0) + sign
    if counts[inner] == 0:
        del counts[inner]
        if not counts:
            del table[outer]
