"""What the review screen shows, without the screen: the filter, the order, the visible rows of each
kind, the current candidate, moving, and where "next pending" goes. No Textual import: the screen
renders this state and turns keys into calls on it; tests drive it directly.

Entity groups (:mod:`extractors.groups`): the mentions of one entity are one row — a *group row*,
keyed by the group id — that an expand key opens to list its mentions under it. Groups are formed
from the machine's view of each mention (its text and label before anyone edited them), so a row
stays where it is while its mentions are relabelled or trimmed; a group of one mention is listed as
that mention. A list row is a *key*: a candidate id, or a group id for a group row.

Filter language (``/``): whitespace-separated terms, all of which must hold.

- ``status:pending`` ``label:GPE`` ``kind:claim`` ``type:direct`` — a field and its value (values
  are case-insensitive; several values with commas mean any of them: ``status:accepted,edited``).
  ``status:disputed`` is the desk's: the reviewers' versions differ and no later ruling settles it
  (the row's ``⚠``), whatever the reviewer's own status.
  ``kind:`` and ``type:`` show the Claims tab, ``label:`` the Entities tab. An unknown field or
  value is an error (:class:`FilterError`), never a silently empty list.
- Any other term is words: each word must be the beginning of a word of the candidate's text,
  label, quote type or speaker ("us" matches "US" and "user", not "Russia"; "wall" matches
  "Wallace").
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extractors.vocabulary import DISPUTED, KINDS, QUOTE_TYPES, STATUSES

from ..store.versions import in_dispute
from .spans import accent_sensitive, fold

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
            bad = values - {*STATUSES, DISPUTED}
            allowed = ", ".join((*STATUSES, DISPUTED))
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
        if str(cand.get(name, "pending" if name == "status" else "")).lower() in values:
            continue
        if not (name == "status" and DISPUTED in values and in_dispute(cand)):
            return False
    if query.words:
        hay = haystack(cand)
        return all(any(w.startswith(q) for w in hay) for q in query.words)
    return True


def is_pending(cand: Cand) -> bool:
    return bool(cand.get("status", "pending") == "pending")


def other_kind(kind: str) -> str:
    return "claim" if kind == "entity" else "entity"


#: the order relabelling offers them in after the store's label set: the ones news needs most first
#: (the number keys 1…0 take the first ten)
KEY_ORDER = [
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "DATE",
    "CARDINAL",
    "MONEY",
    "PERCENT",
    "EVENT",
    "FAC",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "TIME",
    "QUANTITY",
    "ORDINAL",
]


def label_order(label_set: Iterable[str] | None, present: Iterable[str] = ()) -> list[str]:
    """Every label relabelling offers, in number-key order: the store's label set (its own order),
    then the pipeline's labels (:data:`KEY_ORDER`), then any other label in ``present`` (sorted)."""
    return list(dict.fromkeys([*(label_set or []), *KEY_ORDER, *sorted(set(present))]))


def machine_view(cand: Cand) -> Cand:
    """A candidate as the machine (or whoever added it) made it: what groups are formed from."""
    before = cand.get("original") or {}
    return {
        "id": cand["id"],
        "start": before.get("start", cand["start"]),
        "end": before.get("end", cand["end"]),
        "text": before.get("text", cand["text"]),
        "label": before.get("label", cand.get("label", "")),
    }


@dataclass
class ReviewState:
    """The candidates of one article and what the lists show of them."""

    cands: dict[str, Cand] = field(default_factory=dict)
    kind: str = "entity"
    index: dict[str, int] = field(default_factory=lambda: {"entity": 0, "claim": 0})
    order: str = "checkworthiness"
    query: Query = field(default_factory=Query)
    article: str = ""  # the article id (group ids derive from it)
    groups: dict[str, Cand] = field(default_factory=dict)  # groups of two or more mentions, by id
    group_of: dict[str, str] = field(default_factory=dict)  # mention id -> its group's id
    expanded: set[str] = field(default_factory=set)  # groups whose mentions are listed under them
    _ids: dict[str, list[str]] = field(default_factory=lambda: {"entity": [], "claim": []})  # row keys
    _matching: dict[str, list[str]] = field(default_factory=lambda: {"entity": [], "claim": []})  # filtered ids
    _grouped: frozenset[str] = frozenset()  # the entity ids the groups were formed from
    _keep: dict[str, str | None] = field(default_factory=dict)
    _totals: dict[str, int] = field(default_factory=dict)
    _left: int | None = None  # decisions_left, until the candidates change
    desk: dict[str, float] = field(default_factory=dict)  # claim id -> the desk's corrected check-worthiness
    desk_article: str | None = None  # the article ``desk`` was computed for
    # the same as the desk's decisions since have moved it: shown on the rows and the detail panel,
    # and what "accept all like this" compares; the list keeps the order ``desk`` gave it (re-sorting
    # under the analyst after each decision would move the rows they are working through) until the
    # order is toggled back to check-worthiness or the article is opened again (QA, stop 50: a row
    # read 0.92 where the store had 0.49 after three rejections)
    desk_now: dict[str, float] = field(default_factory=dict)

    # -- contents ----------------------------------------------------------------------------------

    def load(self, cands: Iterable[Cand], *, focus: str | None = None, article: str | None = None) -> None:
        """A new article: every list rebuilt; the current candidate is ``focus`` if given, else the
        first pending row of each kind (and the current kind moves to one with pending work)."""
        if article is not None and article != self.article:
            self.article = article
            self.expanded = set()
        if article != self.desk_article:
            self.desk, self.desk_now, self.desk_article = {}, {}, None
        self.cands = {c["id"]: c for c in cands}
        self._put_desk()  # the same article read again (a label set saved) keeps the desk's scores
        self._keep = {}
        self._grouped = frozenset({"(none)"})  # regroup
        self._rebuild()
        self.index = {k: self.first_pending(k) for k in KINDS}
        if focus in self.cands:
            self.select(focus)
            return
        pending = [k for k in KINDS if any(self.row_pending(key) for key in self._ids[k])]
        if pending and self.kind not in pending:
            self.kind = pending[0]

    def _regroup(self) -> None:
        """Form the entity groups again if entities came or went (edits never move a mention)."""
        from extractors.groups import entity_groups

        ents = [c for c in self.cands.values() if c["kind"] == "entity"]
        ids = frozenset(c["id"] for c in ents)
        if ids == self._grouped:
            return
        self._grouped = ids
        found = entity_groups(self.article, [machine_view(c) for c in ents])
        self.groups = {gid: g for gid, g in found.items() if len(g["mentions"]) > 1}
        self.group_of = {cid: gid for gid, g in self.groups.items() for cid in g["mentions"]}
        self.expanded &= set(self.groups)

    def _rebuild(self) -> None:
        self._left = None
        self._regroup()
        self._totals = {k: 0 for k in KINDS}
        for c in self.cands.values():
            self._totals[c["kind"]] = self._totals.get(c["kind"], 0) + 1
        for kind in KINDS:
            items = [c for c in self.cands.values() if c["kind"] == kind and (not self.query or matches(c, self.query))]
            if kind == "claim" and self.order == "checkworthiness":
                items.sort(key=lambda c: (-self.score(c), c["start"], c["end"], c["id"]))
            else:
                items.sort(key=lambda c: (c["start"], c["end"], c["id"]))
            self._matching[kind] = [c["id"] for c in items]
            self._ids[kind] = self._row_keys(self._matching[kind]) if kind == "entity" else list(self._matching[kind])

    def _row_keys(self, ids: list[str]) -> list[str]:
        """The rows for the listed entity ids: a group row where its first listed mention is (then
        its listed mentions, if it is expanded), every other entity as itself."""
        listed: dict[str, list[str]] = {}
        for cid in ids:
            gid = self.group_of.get(cid)
            if gid is not None:
                listed.setdefault(gid, []).append(cid)
        keys: list[str] = []
        for cid in ids:
            gid = self.group_of.get(cid)
            if gid is None:
                keys.append(cid)
            elif listed[gid][0] == cid:
                keys.append(gid)
                if gid in self.expanded:
                    keys.extend(listed[gid])
        return keys

    def refresh(self) -> None:
        """Rebuild the lists (filter, order or membership changed), keeping every kind's current
        row while it is still listed, else its position."""
        for kind in KINDS:  # an emptied list keeps the key it had, for when the filter lets it back
            self._keep[kind] = self.current_id(kind) or self._keep.get(kind)
        self._rebuild()
        for kind in KINDS:
            ids = self._ids[kind]
            key = self._keep.get(kind)
            if key is not None and key not in ids and key in self.group_of and self.group_of[key] in ids:
                key = self.group_of[key]  # a mention whose group closed (or regrouped): its group row
            if key is not None and key in ids:
                self.index[kind] = ids.index(key)
            else:
                self.index[kind] = max(0, min(self.index[kind], len(ids) - 1))

    def apply(self, states: Iterable[Cand]) -> bool:
        """Store results in; True when the lists' membership or order changed (then they were
        rebuilt), False when only rows changed in place."""
        rebuild = False
        self._left = None
        for state in states:
            cid = state["id"]
            old = self.cands.get(cid)
            if state.get("status") == "removed":
                rebuild |= self.cands.pop(cid, None) is not None
                continue
            if cid in self.desk_now:  # the row shows the desk's score as it stands
                state["desk_checkworthiness"] = self.desk_now[cid]
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

    def score(self, cand: Cand) -> float:
        """The claim's check-worthiness as the lists sort it: the desk's corrected score once known."""
        desk = self.desk.get(cand["id"])
        return desk if desk is not None else float(cand.get("checkworthiness") or 0)

    def set_desk(self, article: str, scores: dict[str, float]) -> None:
        """The desk's corrected scores of this article's claims: the claims list is ordered by them."""
        self.desk, self.desk_now, self.desk_article = dict(scores), dict(scores), article
        self._put_desk()
        self.refresh()

    def set_desk_score(self, cid: str, score: float) -> None:
        """A claim added or moved: its place in the list and its shown score by the desk's now."""
        self.desk[cid] = self.desk_now[cid] = score

    def desk_moved(self, scores: dict[str, float]) -> list[str]:
        """The desk's scores as its decisions have moved them (the order stays: see ``desk_now``);
        returns the claims whose shown score changed."""
        changed = [cid for cid, score in scores.items() if self.desk_now.get(cid) != score]
        self.desk_now.update(scores)
        self._put_desk()
        return changed

    def shown_score(self, cand: Cand) -> float:
        """The claim's check-worthiness as its row shows it: the desk's as it stands now."""
        desk = self.desk_now.get(cand["id"])
        return desk if desk is not None else self.score(cand)

    def _put_desk(self) -> None:
        """The desk's scores onto the claims they are for (the list and the detail panel show them)."""
        for cid, score in self.desk_now.items():
            if cid in self.cands:
                self.cands[cid]["desk_checkworthiness"] = score

    def toggle_order(self) -> str:
        self.order = "article" if self.order == "checkworthiness" else "checkworthiness"
        if self.order == "checkworthiness":
            self.desk.update(self.desk_now)  # sorted again: by the scores as they stand
        self.refresh()
        return self.order

    # -- reading -----------------------------------------------------------------------------------

    def ids(self, kind: str | None = None) -> list[str]:
        """The row keys of a list (candidate ids, and group ids for group rows)."""
        return self._ids[kind or self.kind]

    def listed(self, kind: str | None = None) -> list[str]:
        """The candidate ids the filter lets through, in list order (mentions of closed groups too)."""
        return self._matching[kind or self.kind]

    def rows(self, kind: str | None = None) -> list[Cand]:
        return [self.row(key) for key in self._ids[kind or self.kind]]

    def row(self, key: str) -> Cand:
        """What a row shows: the candidate, or for a group row its summary (:meth:`group_row`)."""
        return self.group_row(key) if key in self.groups else self.cands[key]

    def is_group(self, key: str | None) -> bool:
        return key is not None and key in self.groups

    def is_child(self, key: str) -> bool:
        """Is ``key`` a mention listed under its (expanded) group row?"""
        gid = self.group_of.get(key)
        return gid is not None and gid in self.expanded

    def mention_number(self, cid: str) -> tuple[str, int, int] | None:
        """(its group's id, which mention ``cid`` is counting from 1, of how many), or None for a
        candidate in no group."""
        gid = self.group_of.get(cid)
        if gid is None:
            return None
        ids = self.groups[gid]["mentions"]
        return gid, ids.index(cid) + 1, len(ids)

    def mentions(self, gid: str) -> list[Cand]:
        return [self.cands[cid] for cid in self.groups[gid]["mentions"] if cid in self.cands]

    def group_row(self, gid: str) -> Cand:
        """A group row: its name, label (the one its standing mentions share — after a relabel, the
        new one; else as the machine gave it), mentions counted by status, how many carry a suggestion
        and how many are proposals (origin memory)."""
        group = self.groups[gid]
        mentions = self.mentions(gid)
        # QA (stop 45): after `1` on "ORG Trump ×3" the row still read ORG, the mentions PERSON
        standing = {str(c.get("label")) for c in mentions if c.get("status") != "rejected"}
        counts = Counter(str(c.get("status", "pending")) for c in mentions)
        pending = [c for c in mentions if is_pending(c)]
        return {
            "id": gid,
            "kind": "entity",
            "row": "group",
            "text": group["name"],
            "label": standing.pop() if len(standing) == 1 else group["label"],
            "status": "pending" if pending else "decided",
            "count": len(mentions),
            "statuses": dict(counts),
            "suggested": sum(1 for c in pending if c.get("suggestion")),
            "hints": sorted({str(c["suggestion"].get("action")) for c in pending if c.get("suggestion")}),
            "proposed": sum(1 for c in pending if c.get("origin") == "memory"),
            "expanded": gid in self.expanded,
            "mention_reviews": [c["reviews"] for c in mentions if c.get("reviews")],  # for the desk's mark
        }

    def row_pending(self, key: str) -> bool:
        if key in self.groups:
            return any(is_pending(c) for c in self.mentions(key))
        return is_pending(self.cands[key])

    def count(self, kind: str) -> int:
        """Candidates listed (the filter's matches), whether or not their group is open."""
        return len(self._matching[kind])

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
        """The current row's key (a group id on a group row)."""
        i = self.position(kind)
        return None if i is None else self._ids[kind or self.kind][i]

    def current(self) -> Cand | None:
        """The current candidate: on a group row, the mention it stands for (:meth:`representative`)."""
        key = self.current_id()
        if key is None:
            return None
        return self.representative(key) if key in self.groups else self.cands[key]

    def current_group(self) -> Cand | None:
        """The group of the current row when it is a group row, else None."""
        key = self.current_id()
        return self.groups[key] if key is not None and key in self.groups else None

    def representative(self, gid: str) -> Cand:
        """The mention a group row stands for (highlighted in the article): its first pending one,
        else its first."""
        mentions = self.mentions(gid)
        return next((c for c in mentions if is_pending(c)), mentions[0])

    def first_pending(self, kind: str) -> int:
        return next((i for i, key in enumerate(self._ids[kind]) if self.row_pending(key)), 0)

    def pending(self, kind: str) -> int:
        """Rows of ``kind`` with pending work."""
        return sum(1 for key in self._ids[kind] if self.row_pending(key))

    def decisions_left(self) -> int:
        """How many decisions the article still asks for, whatever the filter shows: one per group
        with pending mentions, one per other pending candidate."""
        if self._left is None:
            self._left = self._count_left()
        return self._left

    def _count_left(self) -> int:
        groups: set[str] = set()
        n = 0
        for cid, cand in self.cands.items():
            if not is_pending(cand):
                continue
            gid = self.group_of.get(cid)
            if gid is None:
                n += 1
            elif gid not in groups:
                groups.add(gid)
                n += 1
        return n

    def suggested(self) -> list[Cand]:
        """The pending candidates that carry a suggestion (what confirming them all would decide)."""
        return [c for c in self.cands.values() if is_pending(c) and c.get("suggestion")]

    # -- moving ------------------------------------------------------------------------------------

    def move(self, delta: int) -> bool:
        i = self.position()
        if i is None:
            return False
        self.index[self.kind] = max(0, min(len(self._ids[self.kind]) - 1, i + delta))
        return True

    def skip(self) -> bool:
        """On to the next row with something to decide (wrapping); False if no other row has any."""
        i = self.position()
        ids = self._ids[self.kind]
        if i is None:
            return False
        for step in range(1, len(ids)):
            j = (i + step) % len(ids)
            if self.row_pending(ids[j]):
                self.index[self.kind] = j
                return True
        return False

    def jump(self, where: str) -> bool:
        ids = self._ids[self.kind]
        if not ids:
            return False
        self.index[self.kind] = 0 if where == "first" else len(ids) - 1
        return True

    def switch_kind(self) -> None:
        self.kind = other_kind(self.kind)

    def select(self, cid: str, *, expand: bool = False) -> bool:
        """Make ``cid`` current (its tab too) — a candidate, or a group by its id. A mention of a
        closed group makes its group row current, or with ``expand`` opens the group and its own
        row. False if the filter hides it."""
        if cid in self.groups:
            if cid not in self._ids["entity"]:
                return False
            self.kind = "entity"
            self.index["entity"] = self._ids["entity"].index(cid)
            return True
        cand = self.cands.get(cid)
        if cand is None or cid not in self._matching[cand["kind"]]:
            return False
        gid = self.group_of.get(cid)
        if gid is not None and expand and gid not in self.expanded:
            self.expanded.add(gid)
            self.refresh()
        ids = self._ids[cand["kind"]]
        key = cid if cid in ids else gid
        if key is None or key not in ids:
            return False
        self.kind = cand["kind"]
        self.index[self.kind] = ids.index(key)
        return True

    def expand(self) -> bool:
        """Open the current group row (its mentions listed under it); False if it is none or open."""
        gid = self.current_id()
        if gid is None or gid not in self.groups or gid in self.expanded:
            return False
        self.expanded.add(gid)
        self.refresh()
        return True

    def collapse(self) -> bool:
        """Close the group of the current row (a group row, or a mention under it) and make its row
        current; False if it is not open."""
        key = self.current_id()
        gid = key if key in self.groups else self.group_of.get(key or "")
        if gid is None or gid not in self.expanded:
            return False
        self.expanded.discard(gid)
        self.refresh()
        ids = self._ids["entity"]
        if gid in ids:
            self.index["entity"] = ids.index(gid)
        return True

    def next_pending(self, after: str | None) -> str:
        """After a decision on row ``after``: the next row of this kind with pending work (wrapping),
        else the first pending row of the other kind. Returns "" (moved on), "switched" (other kind)
        or "done" (nothing pending is listed). Copes with lists that shrank or emptied meanwhile."""
        ids = self._ids[self.kind]
        if after is not None and after not in ids and self.group_of.get(after) in ids:
            after = self.group_of[after]  # a mention of a closed group: its group row
        # if the decided row left the list (a filter), the row now at its place comes next
        start = ids.index(after) + 1 if after in ids else max(0, min(self.index[self.kind], len(ids)))
        n = len(ids)
        for step in range(n):
            j = (start + step) % n
            if self.row_pending(ids[j]):
                self.index[self.kind] = j
                return ""
        other = other_kind(self.kind)
        if any(self.row_pending(key) for key in self._ids[other]):
            self.kind = other
            self.index[other] = self.first_pending(other)
            return "switched"
        self.index[self.kind] = max(0, min(start, n - 1))
        return "done"

    # -- groups ------------------------------------------------------------------------------------

    def group_of_current(self) -> str | None:
        """The group the current row belongs to: the group row's own, or the current mention's."""
        key = self.current_id()
        if key is None:
            return None
        return key if key in self.groups else self.group_of.get(key)

    def like_current(self) -> tuple[list[Cand], str]:
        """The pending rows an "accept all like this" would take, and how to describe them."""
        cand = self.current()
        if cand is None:
            return [], ""
        listed = [self.cands[cid] for cid in self._matching[cand["kind"]]]
        if cand["kind"] == "entity":
            group = [c for c in listed if is_pending(c) and c.get("label") == cand.get("label")]
            return group, f"{len(group)} pending {cand.get('label')} entities"
        cw = self.shown_score(cand)
        group = [c for c in listed if is_pending(c) and self.shown_score(c) >= cw]
        return group, f"{len(group)} pending claims with check-worthiness ≥ {cw:.2f}"

    def same_text(self, cand: Cand) -> list[str]:
        """Listed candidates of the same kind whose text is ``cand``'s as find compares them (any case;
        accents as ``cand``'s text asks: "Zurich" is "Zürich", "Zürich" only itself), in list order."""
        accents = accent_sensitive(cand["text"])
        # a line break as a space, as the find reads a hard wrap ("Michael⏎Flynn" is "Michael Flynn")
        key = fold(cand["text"].replace("\n", " "), accents=accents)
        listed = self._matching[cand["kind"]]
        return [cid for cid in listed if fold(self.cands[cid]["text"].replace("\n", " "), accents=accents) == key]


class ActiveClock:
    """Seconds of work on the current candidate: the time since it became current or since its last
    decision (:meth:`lap`), where any gap of more than :data:`IDLE_CAP` seconds between two of the
    analyst's inputs counts as :data:`IDLE_CAP` (the clock stops while nobody touches the keyboard or
    mouse)."""

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

    def give_back(self, seconds: float) -> None:
        """A lap whose decision the store refused: its time counts toward the next try (QA: a claim
        edit refused, fixed and saved 29 s after it began was timed 2.5 s)."""
        self.total += max(0.0, seconds)

    def lap(self) -> float:
        """The seconds a decision took, the clock then counting the next one from now (QA: a relabel a
        second after a boundary edit of the same candidate was timed 8.7 s, the edit's 7.4 s again)."""
        self.touch()
        spent = round(self.total, 3)
        self.total = 0.0
        return spent
