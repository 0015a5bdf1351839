"""What the review screen shows, without the screen: the filter, the order, the visible rows of each
kind, the current candidate, moving, and where "next pending" goes. No Textual import: the screen
renders this state and turns keys into calls on it; tests drive it directly.

Filter language (``/``): whitespace-separated terms, all of which must hold.

- ``status:pending`` ``label:GPE`` ``kind:claim`` ``type:direct`` — a field and its value (values
  are case-insensitive; several values with commas mean any of them: ``status:accepted,edited``).
  ``kind:`` and ``type:`` show the Claims tab, ``label:`` the Entities tab. An unknown field or
  value is an error (:class:`FilterError`), never a silently empty list.
- Any other term is words: each word must be the beginning of a word of the candidate's text,
  label, quote type or speaker ("us" matches "US" and "user", not "Russia"; "wall" matches
  "Wallace").
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extractors.vocabulary import KINDS, QUOTE_TYPES, STATUSES

Cand = dict[str, Any]

FIELDS = {"status": "status", "label": "label", "kind": "kind", "type": "quote_type"}
_KIND_WORDS = {"entity": "entity", "entities": "entity", "claim": "claim", "claims": "claim"}
_WORD = re.compile(r"\w+")
_FIELD_TERM = re.compile(r"^([A-Za-z_]+):(.*)$")

#: seconds of inactivity after which the clock of a decision stops (see :class:`ActiveClock`)
IDLE_CAP = 60.0


class FilterError(ValueError):
    """A filter the analyst typed that means nothing (unknown field or value)."""


@dataclass(frozen=True)
class Query:
    text: str = ""
    fields: tuple[tuple[str, frozenset[str]], ...] = ()
    words: tuple[str, ...] = ()
    kind: str | None = None  # the tab the query belongs to, if it pins one

    def __bool__(self) -> bool:
        return bool(self.fields or self.words)


def parse_query(text: str) -> Query:
    """Parse the filter language (module docstring); raises :class:`FilterError`."""
    fields: list[tuple[str, frozenset[str]]] = []
    words: list[str] = []
    kinds: set[str] = set()
    for term in text.split():
        m = _FIELD_TERM.match(term)
        if m is None:
            words.extend(w.casefold() for w in _WORD.findall(term))
            continue
        key, raw = m.group(1).lower(), m.group(2)
        if key not in FIELDS:
            raise FilterError(f"unknown filter field '{key}:' — use status:, label:, kind:, type: or plain words")
        values = {v.strip().lower() for v in raw.split(",") if v.strip()}
        if not values:
            raise FilterError(f"'{key}:' needs a value, e.g. {key}:{_example(key)}")
        if key == "status":
            bad = values - set(STATUSES)
            allowed = ", ".join(STATUSES)
        elif key == "kind":
            bad = values - set(_KIND_WORDS)
            values = {_KIND_WORDS.get(v, v) for v in values}
            allowed = ", ".join(KINDS)
            kinds |= values
        elif key == "type":
            bad = values - set(QUOTE_TYPES)
            allowed = ", ".join(QUOTE_TYPES)
            kinds.add("claim")
        else:
            bad = set()
            allowed = ""
            kinds.add("entity")
        if bad:
            raise FilterError(f"unknown {key} '{sorted(bad)[0]}' — use one of: {allowed}")
        fields.append((FIELDS[key], frozenset(values)))
    kind = next(iter(kinds)) if len(kinds) == 1 else None
    return Query(" ".join(text.split()), tuple(fields), tuple(words), kind)


def _example(key: str) -> str:
    return {"status": "pending", "label": "PERSON", "kind": "claim", "type": "direct"}[key]


def haystack(cand: Cand) -> tuple[str, ...]:
    """The words a filter's plain words are matched against."""
    speaker = cand.get("speaker") or {}
    parts = [cand.get("text", ""), cand.get("label", ""), cand.get("quote_type", "")]
    parts += [speaker.get("name") or "", speaker.get("text") or ""]
    return tuple(w.casefold() for w in _WORD.findall(" ".join(str(p) for p in parts)))


def matches(cand: Cand, query: Query) -> bool:
    for name, values in query.fields:
        if str(cand.get(name, "pending" if name == "status" else "")).lower() not in values:
            return False
    if query.words:
        hay = haystack(cand)
        return all(any(w.startswith(q) for w in hay) for q in query.words)
    return True


def is_pending(cand: Cand) -> bool:
    return bool(cand.get("status", "pending") == "pending")


def other_kind(kind: str) -> str:
    return "claim" if kind == "entity" else "entity"


@dataclass
class ReviewState:
    """The candidates of one article and what the lists show of them."""

    cands: dict[str, Cand] = field(default_factory=dict)
    kind: str = "entity"
    index: dict[str, int] = field(default_factory=lambda: {"entity": 0, "claim": 0})
    order: str = "checkworthiness"
    query: Query = field(default_factory=Query)
    _ids: dict[str, list[str]] = field(default_factory=lambda: {"entity": [], "claim": []})
    _keep: dict[str, str | None] = field(default_factory=dict)
    _totals: dict[str, int] = field(default_factory=dict)

    # -- contents ----------------------------------------------------------------------------------

    def load(self, cands: Iterable[Cand], *, focus: str | None = None) -> None:
        """A new article: every list rebuilt; the current candidate is ``focus`` if given, else the
        first pending of each kind (and the current kind moves to one with pending work)."""
        self.cands = {c["id"]: c for c in cands}
        self._keep = {}
        self._rebuild()
        self.index = {k: self.first_pending(k) for k in KINDS}
        if focus in self.cands:
            self.select(focus)
            return
        pending = [k for k in KINDS if any(is_pending(c) for c in self.rows(k))]
        if pending and self.kind not in pending:
            self.kind = pending[0]

    def _rebuild(self) -> None:
        self._totals = {k: 0 for k in KINDS}
        for c in self.cands.values():
            self._totals[c["kind"]] = self._totals.get(c["kind"], 0) + 1
        for kind in KINDS:
            items = [c for c in self.cands.values() if c["kind"] == kind and (not self.query or matches(c, self.query))]
            if kind == "claim" and self.order == "checkworthiness":
                items.sort(key=lambda c: (-(c.get("checkworthiness") or 0), c["start"], c["end"], c["id"]))
            else:
                items.sort(key=lambda c: (c["start"], c["end"], c["id"]))
            self._ids[kind] = [c["id"] for c in items]

    def refresh(self) -> None:
        """Rebuild the lists (filter, order or membership changed), keeping every kind's current
        candidate while it is still listed, else its position."""
        for kind in KINDS:  # an emptied list keeps the id it had, for when the filter lets it back
            self._keep[kind] = self.current_id(kind) or self._keep.get(kind)
        self._rebuild()
        for kind in KINDS:
            ids = self._ids[kind]
            cid = self._keep.get(kind)
            if cid is not None and cid in ids:
                self.index[kind] = ids.index(cid)
            else:
                self.index[kind] = max(0, min(self.index[kind], len(ids) - 1))

    def apply(self, states: Iterable[Cand]) -> bool:
        """Store results in; True when the lists' membership or order changed (then they were
        rebuilt), False when only rows changed in place."""
        rebuild = False
        for state in states:
            cid = state["id"]
            old = self.cands.get(cid)
            if state.get("status") == "removed":
                rebuild |= self.cands.pop(cid, None) is not None
                continue
            self.cands[cid] = state
            rebuild |= old is None or self._moves(old, state)
        if rebuild:
            self.refresh()
        return rebuild

    def _moves(self, old: Cand, new: Cand) -> bool:
        """Would ``old`` becoming ``new`` change a list's order or membership?"""
        if any(old.get(k) != new.get(k) for k in ("start", "end", "checkworthiness", "kind")):
            return True
        return bool(self.query) and matches(old, self.query) != matches(new, self.query)

    def set_query(self, text: str) -> Query:
        """Apply a filter (raises :class:`FilterError` and changes nothing if it means nothing)."""
        query = parse_query(text)
        self.query = query
        self.refresh()
        if query.kind is not None:
            self.kind = query.kind
        return query

    def toggle_order(self) -> str:
        self.order = "article" if self.order == "checkworthiness" else "checkworthiness"
        self.refresh()
        return self.order

    # -- reading -----------------------------------------------------------------------------------

    def ids(self, kind: str | None = None) -> list[str]:
        return self._ids[kind or self.kind]

    def rows(self, kind: str | None = None) -> list[Cand]:
        return [self.cands[c] for c in self._ids[kind or self.kind]]

    def count(self, kind: str) -> int:
        return len(self._ids[kind])

    def total(self, kind: str) -> int:
        return self._totals.get(kind, 0)

    def position(self, kind: str | None = None) -> int | None:
        """The current row of ``kind`` (None when its list is empty); clamps a stale index."""
        kind = kind or self.kind
        ids = self._ids[kind]
        if not ids:
            return None
        i = max(0, min(self.index[kind], len(ids) - 1))
        self.index[kind] = i
        return i

    def current_id(self, kind: str | None = None) -> str | None:
        i = self.position(kind)
        return None if i is None else self._ids[kind or self.kind][i]

    def current(self) -> Cand | None:
        cid = self.current_id()
        return None if cid is None else self.cands[cid]

    def first_pending(self, kind: str) -> int:
        return next((i for i, cid in enumerate(self._ids[kind]) if is_pending(self.cands[cid])), 0)

    def pending(self, kind: str) -> int:
        return sum(1 for cid in self._ids[kind] if is_pending(self.cands[cid]))

    # -- moving ------------------------------------------------------------------------------------

    def move(self, delta: int) -> bool:
        i = self.position()
        if i is None:
            return False
        self.index[self.kind] = max(0, min(len(self._ids[self.kind]) - 1, i + delta))
        return True

    def jump(self, where: str) -> bool:
        ids = self._ids[self.kind]
        if not ids:
            return False
        self.index[self.kind] = 0 if where == "first" else len(ids) - 1
        return True

    def switch_kind(self) -> None:
        self.kind = other_kind(self.kind)

    def select(self, cid: str) -> bool:
        """Make ``cid`` current (its tab too); False if the filter hides it."""
        cand = self.cands.get(cid)
        if cand is None or cid not in self._ids[cand["kind"]]:
            return False
        self.kind = cand["kind"]
        self.index[self.kind] = self._ids[self.kind].index(cid)
        return True

    def next_pending(self, after: str | None) -> str:
        """After a decision on ``after``: the next pending row of this kind (wrapping), else the
        first pending of the other kind. Returns "" (moved on), "switched" (other kind) or "done"
        (nothing pending is listed). Copes with lists that shrank or emptied meanwhile."""
        ids = self._ids[self.kind]
        # if the decided row left the list (a filter), the row now at its place comes next
        start = ids.index(after) + 1 if after in ids else max(0, min(self.index[self.kind], len(ids)))
        n = len(ids)
        for step in range(n):
            j = (start + step) % n
            if is_pending(self.cands[ids[j]]):
                self.index[self.kind] = j
                return ""
        other = other_kind(self.kind)
        if any(is_pending(self.cands[c]) for c in self._ids[other]):
            self.kind = other
            self.index[other] = self.first_pending(other)
            return "switched"
        self.index[self.kind] = max(0, min(start, n - 1))
        return "done"

    # -- groups ------------------------------------------------------------------------------------

    def like_current(self) -> tuple[list[Cand], str]:
        """The pending rows an "accept all like this" would take, and how to describe them."""
        cand = self.current()
        if cand is None:
            return [], ""
        if cand["kind"] == "entity":
            group = [c for c in self.rows("entity") if is_pending(c) and c.get("label") == cand.get("label")]
            return group, f"{len(group)} pending {cand.get('label')} entities"
        cw = cand.get("checkworthiness") or 0
        group = [c for c in self.rows("claim") if is_pending(c) and (c.get("checkworthiness") or 0) >= cw]
        return group, f"{len(group)} pending claims with check-worthiness ≥ {cw:.2f}"

    def same_text(self, cand: Cand) -> list[str]:
        """Listed candidates of the same kind whose text is ``cand``'s (case-insensitive), in list order."""
        key = cand["text"].casefold()
        return [cid for cid in self._ids[cand["kind"]] if self.cands[cid]["text"].casefold() == key]


class ActiveClock:
    """Seconds of work on the current candidate: the time since it became current, where any gap of
    more than :data:`IDLE_CAP` seconds between two of the analyst's inputs counts as
    :data:`IDLE_CAP` (the clock stops while nobody touches the keyboard or mouse)."""

    def __init__(self, now: Callable[[], float] = time.monotonic, cap: float = IDLE_CAP) -> None:
        self.now = now
        self.cap = cap
        self.total = 0.0
        self.last = now()

    def restart(self) -> None:
        self.total = 0.0
        self.last = self.now()

    def touch(self) -> None:
        """An input arrived: the time since the previous one counts, up to the cap."""
        t = self.now()
        self.total += min(max(0.0, t - self.last), self.cap)
        self.last = t

    def seconds(self) -> float:
        self.touch()
        return round(self.total, 3)
