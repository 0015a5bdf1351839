"""Article files: one TinyDB JSON file per article, written once, verified every time it is read.

``articles/<key>.json`` holds the article (id, title, text, its SHA-1, token offsets and its index
row) and the machine's candidates, in TinyDB's layout (``{"article": {"1": …}, "candidates": {"1":
…, …}}``). It is created with :func:`files.create_once`, so it is complete before its name appears
and never replaced. Reading checks that the file carries the id and text hash the index expects and
that every candidate's offsets index the text exactly; a missing, swapped or altered file is damage
named in one line, and only that article is unusable.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from itertools import chain
from operator import le, lt
from pathlib import Path
from typing import Any

import orjson

from extractors.records import candidate_id, check_offsets

from ..sanitize import clean_line
from .errors import StoreDamaged, StoreError
from .files import create_once, read_file, why

CACHE_BYTES = 4 << 20  # of article files as read (parsed, about 8x that in memory): a desk's working set


class ArticleCache:
    """Parsed article files, least recently used first out, bounded by the size of the files they
    were parsed from (an apply stream or a desk's poller moves among dozens of articles; re-reading
    and re-verifying one is a millisecond)."""

    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self.budget = budget
        self.used = 0
        self._items: OrderedDict[str, tuple[dict[str, Any], int]] = OrderedDict()

    def get(self, aid: str) -> dict[str, Any] | None:
        item = self._items.get(aid)
        if item is None:
            return None
        self._items.move_to_end(aid)
        return item[0]

    def __contains__(self, aid: str) -> bool:
        return aid in self._items

    def put(self, aid: str, parsed: dict[str, Any], size: int) -> None:
        old = self._items.pop(aid, None)
        if old is not None:
            self.used -= old[1]
        self._items[aid] = (parsed, size)
        self.used += size
        while self.used > self.budget and len(self._items) > 1:
            self.used -= self._items.popitem(last=False)[1][1]


def file_name(article_id: str) -> str:
    return hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16] + ".json"


def text_sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def encode(row: dict[str, Any], body: dict[str, Any], candidates: list[dict[str, Any]]) -> bytes:
    article = {**body, "text_sha": row["text_sha"], "row": row}
    data = {"article": {"1": article}, "candidates": {str(i): c for i, c in enumerate(candidates, 1)}}
    return orjson.dumps(data)


class ArticleFiles:
    """The ``articles/`` folder of a store, with a small cache of parsed files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache = ArticleCache()

    def path(self, row: dict[str, Any]) -> Path:
        return self.folder / str(row["shard"])

    def create(self, row: dict[str, Any], body: dict[str, Any], candidates: list[dict[str, Any]]) -> bool:
        """Write the file once. False if a file of that name exists already (the caller checks it)."""
        return create_once(self.path(row), encode(row, body, candidates))

    def read(self, row: dict[str, Any]) -> dict[str, Any]:
        """``{"article": {...}, "candidates": {id: candidate}}``, verified against the index ``row``."""
        aid = row["id"]
        cached = self._cache.get(aid)
        if cached is not None:
            return cached
        path = self.path(row)
        shown = f"article '{clean_line(aid, 80)}' ({clean_line(path)})"
        try:
            raw = read_file(path)
        except FileNotFoundError:
            raise StoreDamaged(f"damaged: {shown} is missing; run 'newsreview doctor'") from None
        except OSError as err:
            raise StoreError(f"cannot read {shown}: {why(err)}") from None
        parsed = parse(raw, row)
        if isinstance(parsed, str):
            raise StoreDamaged(f"damaged: {shown} {parsed}; run 'newsreview doctor'")
        self._cache.put(aid, parsed, len(raw))
        return parsed


def tokens_problem(text: str, tokens: Any) -> str | None:
    """What is wrong with an article's token offsets, or None: a list of ``[start, end]`` integer pairs
    inside the text, in order, none overlapping the one before. (Run on every article read: the
    checks are C loops, about 0.6 ms for 750 tokens on the machine of stop 38 — some 3 % of exporting
    that article; the first bad token is looked for only when there is one.)"""
    if tokens is None:
        return None  # (an article stored without them: the editors then move by characters)
    if not isinstance(tokens, list):
        return "not a list"
    if not tokens:
        return None
    if set(map(type, tokens)) == {list} and set(map(len, tokens)) == {2}:
        flat = list(chain.from_iterable(tokens))
        starts, ends = flat[0::2], flat[1::2]
        if (
            set(map(type, flat)) == {int}
            and all(map(lt, starts, ends))
            and all(map(le, ends, starts[1:]))
            and flat[0] >= 0
            and flat[-1] <= len(text)
        ):
            return None
    last = 0
    for i, tok in enumerate(tokens):
        if not (
            type(tok) is list
            and len(tok) == 2
            and {type(x) for x in tok} == {int}
            and last <= tok[0] < tok[1] <= len(text)
        ):
            return f"token {i}: {clean_line(tok, 40)} after offset {last}, text length {len(text)}"
        last = tok[1]
    return None  # (not reached: the quick checks fail only where the loop finds a bad token)


def parse(raw: bytes, row: dict[str, Any] | None) -> dict[str, Any] | str:
    """The parsed, verified file, or what is wrong with it (a phrase)."""
    try:
        data = orjson.loads(raw)
        article = dict(data["article"]["1"])
        cands = {c["id"]: dict(c) for c in data["candidates"].values()}
        text = article["text"]
        if not isinstance(text, str):
            raise TypeError
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return "is not a newsreview article file (unreadable)"
    if row is not None:
        if article.get("id") != row["id"]:
            return f"holds another article ('{clean_line(article.get('id'), 80)}')"
        if text_sha(text) != row["text_sha"]:
            return "does not hold the text the index recorded (the text was changed)"
    problem = tokens_problem(text, article.get("tokens"))
    if problem is not None:  # QA: damaged tokens passed doctor, then failed `apply` adds and exports
        return f"has token offsets that do not fit the text ({problem})"
    aid = article.get("id")
    for cand in cands.values():
        try:
            check_offsets(text, cand)
            kind = cand["kind"]
            label = cand["label"] if kind == "entity" else ""
            # the id is derived from the article, kind, span and label: a changed label or span shows
            if isinstance(aid, str) and cand["id"] != candidate_id(aid, kind, cand["start"], cand["end"], label):
                return f"has a candidate ('{clean_line(cand['id'], 40)}') whose span or label is not the one it was made with"
        except (ValueError, KeyError, TypeError) as err:
            return f"has a candidate that does not fit the text ({clean_line(err, 120)})"
    return {"article": article, "candidates": cands}
