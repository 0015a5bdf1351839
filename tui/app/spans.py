"""Span arithmetic on article text, in one place: boundary steps, text selection, find.

Offsets are Python ``str`` indices; ``tokens`` are the article's (start, end) token offsets in
order. Every function here is pure (no Textual), so the boundary keys (``[ ] , .``), the selection
keys of cursor mode (``H``/``L``), word moves and "new entity from the selection" (the token at the
cursor when nothing is selected) all step the same way.

Selection semantics (cursor mode, ``v``): the first extend key anchors the selection at the token
under the cursor (the next token when the cursor is on a space; the character under the cursor in
character mode) and selects that token. Each further press moves the *head* one token (or
character) in its direction: the selection is every token from the anchor to the head, so moving
back towards the anchor shrinks it and moving past it grows it on the other side.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

Token = tuple[int, int]


@lru_cache(maxsize=4)
def _clusters(text: str) -> tuple[int, ...]:
    """Where each grapheme cluster of ``text`` starts (Unicode's extended clusters: "e" and its
    combining accent, a flag's two letters, an emoji joined by ZWJs are one character to a reader)."""
    return tuple(m.start() for m in regex.finditer(r"\X", text))


def cluster_at(text: str, pos: int) -> Token:
    """The grapheme cluster holding ``pos`` as (start, end)."""
    starts = _clusters(text)
    i = max(0, bisect_right(starts, pos) - 1)
    return starts[i] if starts else 0, starts[i + 1] if i + 1 < len(starts) else len(text)


def cluster_cut(text: str, at: int) -> Token | None:
    """The grapheme cluster that offset ``at`` falls inside, or None when ``at`` is between two. The
    store takes any code-point offsets (spaCy itself splits a flag or a skin tone into tokens); the
    editor uses this to refuse offsets typed inside a character."""
    if at <= 0 or at >= len(text):
        return None
    start, end = cluster_at(text, at)
    return None if start == at else (start, end)


def char_step(text: str, pos: int, direction: int) -> int:
    """The next (or previous) cluster boundary from ``pos``; ``pos`` if there is none. Character mode
    moves by what a reader sees as one character, never into the middle of one."""
    starts = _clusters(text)
    if direction > 0:
        i = bisect_right(starts, pos)
        return starts[i] if i < len(starts) else len(text)
    i = bisect_left(starts, pos) - 1
    return starts[i] if i >= 0 else pos


def valid_span(text: str, start: int, end: int) -> bool:
    """A span the store accepts: inside the text, non-empty, not only whitespace."""
    return 0 <= start < end <= len(text) and bool(text[start:end].strip())


def step_edge(
    text: str, tokens: Sequence[Token], start: int, end: int, edge: str, direction: int, *, by_char: bool
) -> tuple[int, int] | None:
    """Move the ``edge`` ("start" or "end") of ``(start, end)`` one token (or one character) in
    ``direction`` (-1 or 1). None when the result would not be a valid span (nothing to move to,
    empty, only whitespace, outside the text)."""
    pos = start if edge == "start" else end
    if by_char or not tokens:
        new = char_step(text, pos, direction)
    else:
        bounds = [s for s, _ in tokens] if edge == "start" else [e for _, e in tokens]
        if direction < 0:
            i = bisect_left(bounds, pos) - 1
            new = bounds[i] if i >= 0 else pos
        else:
            i = bisect_right(bounds, pos)
            new = bounds[i] if i < len(bounds) else pos
    if new == pos:
        return None
    span = (new, end) if edge == "start" else (start, new)
    return span if valid_span(text, *span) else None


def token_index_at(tokens: Sequence[Token], pos: int) -> int | None:
    """Index of the token holding ``pos``; else the next token after it; else the last one."""
    if not tokens:
        return None
    i = bisect_right([s for s, _ in tokens], pos) - 1
    if i >= 0 and tokens[i][0] <= pos < tokens[i][1]:
        return i
    return i + 1 if i + 1 < len(tokens) else len(tokens) - 1


def word_step(tokens: Sequence[Token], pos: int, direction: int) -> int:
    """The start of the next (or previous) token from ``pos``; ``pos`` if there is none."""
    starts = [s for s, _ in tokens]
    if direction > 0:
        i = bisect_right(starts, pos)
        return starts[i] if i < len(starts) else pos
    i = bisect_left(starts, pos) - 1
    return starts[i] if i >= 0 else pos


@dataclass(frozen=True)
class Selection:
    """A selection in units (tokens, or characters in character mode): anchor unit and head unit."""

    anchor: int
    head: int
    by_char: bool
    text: str = ""  # character mode: the article (its units are grapheme clusters, anchor/head their starts)

    def span(self, tokens: Sequence[Token]) -> tuple[int, int]:
        lo, hi = sorted((self.anchor, self.head))
        if self.by_char:
            return lo, cluster_at(self.text, hi)[1] if self.text else hi + 1
        return tokens[lo][0], tokens[hi][1]

    def cursor(self, tokens: Sequence[Token]) -> int:
        """Where the cursor shows: the head's last character (or first, when left of the anchor)."""
        if self.by_char:
            return self.head
        s, e = tokens[self.head]
        return s if self.head < self.anchor else e - 1


def start_selection(text: str, tokens: Sequence[Token], cursor: int, *, by_char: bool) -> Selection | None:
    """The selection the first extend key makes: the token (or character) at the cursor."""
    if not text:
        return None
    if by_char or not tokens:
        at = cluster_at(text, max(0, min(cursor, len(text) - 1)))[0]
        return Selection(at, at, True, text)
    i = token_index_at(tokens, cursor)
    return None if i is None else Selection(i, i, False)


def extend_selection(text: str, tokens: Sequence[Token], sel: Selection, direction: int) -> Selection:
    """Move the head one unit in ``direction``; at either end of the text it stays."""
    if sel.by_char:
        head = char_step(text, sel.head, direction)
        return Selection(sel.anchor, head if head < len(text) else sel.head, True, text)
    head = max(0, min(len(tokens) - 1, sel.head + direction))
    return Selection(sel.anchor, head, False)


def first_at_or_after(matches: Sequence[Token], pos: int) -> int:
    """Index of the first match starting at or after ``pos``; wraps to 0."""
    i = bisect_left([s for s, _ in matches], pos)
    return i if i < len(matches) else 0


def fold(text: str) -> str:
    """What find compares: case folded and canonically decomposed ("É", "é" and "e" + accent alike)."""
    return unicodedata.normalize("NFD", text.casefold())


_ASCII_OR_ONE = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")


@lru_cache(maxsize=4)
def _folded(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` folded character by character, with where in ``text`` each folded character comes
    from (folding may lengthen: "ß" → "ss", "É" → "e" + accent). ASCII runs are folded whole."""
    parts: list[str] = []
    where: list[int] = []
    for m in _ASCII_OR_ONE.finditer(text):
        run, at = m.group(), m.start()
        if len(run) > 1 or run.isascii():
            parts.append(run.lower())
            where.extend(range(at, at + len(run)))
        else:
            folded = fold(run)
            parts.append(folded)
            where.extend([at] * len(folded))
    return "".join(parts), tuple(where)


def find_all(text: str, needle: str, *, whole_words: bool = False) -> list[Token]:
    """Every (start, end) where ``needle`` occurs in ``text`` — case-insensitively, a composed accent
    matching a decomposed one — not overlapping, in whole characters. With ``whole_words`` a hit must
    not continue a word on either side."""
    low = fold(needle)
    if not low:
        return []
    if text.isascii():
        hay, where = text.lower(), None
    else:
        hay, where_t = _folded(text)
        where = where_t
    out: list[Token] = []
    pos = hay.find(low)
    while pos >= 0:
        end = pos + len(low)
        start, stop = (pos, end) if where is None else (where[pos], where[end - 1] + 1)
        if not whole_words or (
            (start == 0 or not text[start - 1].isalnum()) and (stop == len(text) or not text[stop].isalnum())
        ):
            if not out or start >= out[-1][1]:
                out.append((start, stop))
            pos = hay.find(low, end)
        else:
            pos = hay.find(low, pos + 1)
    return whole_characters(text, out)


def whole_characters(text: str, found: list[Token]) -> list[Token]:
    """``found`` widened to whole grapheme clusters ("e" of an "e" + accent takes the accent too), as
    a find's selection is; one that comes to overlap the one before is dropped."""
    if text.isascii():  # (a "\r\n" is one cluster, but no find stops between its two)
        return found
    starts = _clusters(text)
    if len(starts) == len(text):  # every code point a character of its own: nothing to widen
        return found
    out: list[Token] = []
    for s, e in found:
        i = bisect_right(starts, s) - 1
        j = bisect_left(starts, e)
        s, e = starts[max(i, 0)], starts[j] if j < len(starts) else len(text)
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out
