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


def last_token_before(tokens: Sequence[Token], pos: int) -> int | None:
    """Index of the last token that starts before ``pos`` (the one a span ending at ``pos`` ends in
    or after); None if none does."""
    i = bisect_left([s for s, _ in tokens], pos) - 1
    return i if i >= 0 else None


def word_step(tokens: Sequence[Token], pos: int, direction: int, text: str | None = None) -> int:
    """The start of the next (or previous) token from ``pos``; ``pos`` if there is none. With
    ``text``, only a token that starts a whole character counts (spaCy splits a flag, a joined emoji or
    a skin tone into tokens; QA: ``w`` walked a flag half by half, then stopped on the space after it)."""
    starts = [s for s, _ in tokens]
    if direction > 0:
        later = starts[bisect_right(starts, pos) :]
        return next((s for s in later if text is None or not cluster_cut(text, s)), pos)
    earlier = starts[: bisect_left(starts, pos)]
    return next((s for s in reversed(earlier) if text is None or not cluster_cut(text, s)), pos)


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


#: a token that ends a sentence; the closing marks right after it stay with the sentence
SENTENCE_END = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
CLOSING_QUOTES = frozenset("”’»›")
OPENING_QUOTES = frozenset("“‘«‹„‚")
STRAIGHT_QUOTES = frozenset({'"', "'"})
_CLOSING_MARKS = CLOSING_QUOTES | STRAIGHT_QUOTES | frozenset(")]")


#: single marks that close a quotation — or end a possessive (students’ union): one only after its opener
_SINGLE_CLOSING = frozenset("’'")
_SINGLE_OPENERS, _SINGLE_CLOSERS = "‘‚‹'", "’'›"


def _quote_side(text: str, tokens: Sequence[Token], j: int) -> str:
    """ "open", "close" or "" for token ``j``: a curly quotation mark says; a straight one opens when
    the next token touches it and the one before does not, and closes the other way round. A single
    closing mark closes only a quotation opened before it in its line (else it is an apostrophe:
    "the students’ union"), and “ closes one „ opened (German: „…“)."""
    tok = text[tokens[j][0] : tokens[j][1]]
    side = ""
    if tok in OPENING_QUOTES:
        side = "open"
    elif tok in CLOSING_QUOTES:
        side = "close"
    elif tok in STRAIGHT_QUOTES:
        before, after = _touching(tokens, j)
        if after and not before:
            side = "open"
        elif before and not after:
            side = "close"
    if tok == "“" and _opened_in_line(text, tokens, j, "„", "“"):
        return "close"
    if (
        side == "close"
        and tok in _SINGLE_CLOSING
        and not _opened_in_line(text, tokens, j, _SINGLE_OPENERS, _SINGLE_CLOSERS)
    ):
        return ""
    return side


def _opened_in_line(text: str, tokens: Sequence[Token], j: int, openers: str, closers: str) -> bool:
    """Whether a quotation ``openers`` begins is open at token ``j``: counted back to the line's start."""
    depth = 0
    for k in range(j - 1, -1, -1):
        if _break_before(text, tokens, k + 1):
            break
        tok = text[tokens[k][0] : tokens[k][1]]
        if tok in closers and not (tok == "'" and _straight_opens(tokens, k)):
            depth -= 1
        elif tok in openers and (tok != "'" or _straight_opens(tokens, k)):
            depth += 1
            if depth > 0:
                return True
    return False


def _touching(tokens: Sequence[Token], k: int) -> tuple[bool, bool]:
    """Whether token ``k`` touches the token before it, and the one after it (no space between)."""
    return k > 0 and tokens[k - 1][1] == tokens[k][0], k + 1 < len(tokens) and tokens[k + 1][0] == tokens[k][1]


def _straight_opens(tokens: Sequence[Token], k: int) -> bool:
    before, after = _touching(tokens, k)
    return after and not before


def _break_before(flow: str, tokens: Sequence[Token], j: int) -> bool:
    """A line break (a paragraph's end: ``flow`` keeps no hard wrap) between token ``j - 1`` and ``j``."""
    return j > 0 and "\n" in flow[tokens[j - 1][1] : tokens[j][0]]


def _partner(flow: str, tokens: Sequence[Token], j: int, step: int) -> int | None:
    """The quotation mark that closes (``step`` 1) or opens (``step`` -1) the one at token ``j``, in
    its line (quotations inside it counted); None if the line has none."""
    depth = 0
    k = j + step
    while 0 <= k < len(tokens):
        if _break_before(flow, tokens, k if step > 0 else k + 1):
            return None
        side = _quote_side(flow, tokens, k)
        if side == ("open" if step > 0 else "close"):
            depth += 1
        elif side == ("close" if step > 0 else "open"):
            if depth == 0:
                return k
            depth -= 1
        k += step
    return None


def sentence_stop(flow: str, tokens: Sequence[Token], at: int, direction: int) -> int:
    """Where a selection's edge goes from token ``at`` when it grows to the next stop in ``direction``:
    forward, to the quotation mark that closes the quotation it is in, a sentence's end (with the
    closing marks after it) or the end of its line, whichever comes first; backward, to the opening
    quotation mark of the quotation it is in (taken in), the start of its sentence or of its line. A
    whole quotation on the way is passed over as part of the sentence; a line's end is as far as it
    goes. Pressed again, on to the next. (QA, stop 45: a claim's content took 16–26 presses of
    shift+→, one token each, and its opening quote was left out.)"""
    n = len(tokens)
    if direction > 0:
        j = at + 1
        while j < n:
            if _break_before(flow, tokens, j):
                return j - 1
            side = _quote_side(flow, tokens, j)
            if side == "close":
                return j
            if side == "open" and (closing := _partner(flow, tokens, j, 1)) is not None:
                j = closing + 1  # a quotation inside the sentence: on past it
                continue
            if flow[tokens[j][0] : tokens[j][1]] in SENTENCE_END:
                while (
                    j + 1 < n
                    and tokens[j + 1][0] == tokens[j][1]
                    and flow[tokens[j + 1][0] : tokens[j + 1][1]] in _CLOSING_MARKS
                ):
                    j += 1
                return j
            j += 1
        return n - 1 if n else at

    def ends(j: int) -> bool:  # a sentence's end, or a mark that closes a quotation
        word = flow[tokens[j][0] : tokens[j][1]]
        return word in SENTENCE_END or _quote_side(flow, tokens, j) == "close"

    j = at - 1
    while j >= 0 and ends(j) and not _break_before(flow, tokens, j + 1):
        j -= 1  # the end of the sentence before, right before the start: passed over (into its quote)
    while j >= 0:
        if _break_before(flow, tokens, j + 1):
            return j + 1
        side = _quote_side(flow, tokens, j)
        if side == "open":
            return j
        if side == "close" and (opening := _partner(flow, tokens, j, -1)) is not None:
            j = opening - 1  # a quotation inside the sentence: on before it
            if j < 0 or _break_before(flow, tokens, j + 1) or ends(j):
                return opening
            continue
        if ends(j):
            return j + 1
        j -= 1
    return 0 if n else at


def grow_to_stop(flow: str, tokens: Sequence[Token], sel: Selection, direction: int) -> Selection:
    """``sel`` (in tokens) with its end (``direction`` > 0) or its start moved to the next
    :func:`sentence_stop` — whichever end the anchor is at; the other end stays."""
    lo, hi = sorted((sel.anchor, sel.head))
    if direction > 0:
        return Selection(lo, sentence_stop(flow, tokens, hi, 1), False)
    return Selection(hi, sentence_stop(flow, tokens, lo, -1), False)


def first_at_or_after(matches: Sequence[Token], pos: int) -> int:
    """Index of the first match starting at or after ``pos``; wraps to 0."""
    i = bisect_left([s for s, _ in matches], pos)
    return i if i < len(matches) else 0


# an accent on a letter of the alphabets whose readers search without them ("zurich" for "Zürich")
_ACCENT = regex.compile(r"(?<=[\p{Latin}\p{Greek}\p{Cyrillic}]\p{Mn}*)\p{Mn}")
# letters written with a mark that are letters of their own (й, Ukrainian ї, Belarusian ў, Macedonian
# ѓ and ќ): kept whole when accents go
_OWN_LETTERS = {unicodedata.normalize("NFD", c): c for c in "йЙїЇўЎѓЃќЌ"}
_OWN = regex.compile("|".join(_OWN_LETTERS))
# Latin letters with a stroke or bar that Unicode does not split into a letter and an accent
_STROKES = str.maketrans("łŁøØđĐħĦŧŦı", "lLoOdDhHtTi")


def _decomposed(text: str) -> str:
    """``text`` with its accents as marks of their own (NFD), but letters of their own kept whole."""
    return str(_OWN.sub(lambda m: _OWN_LETTERS[m.group()], unicodedata.normalize("NFD", text)))


#: spaces that look like a space and are one in a find: no-break, thin, figure, ideographic… (one to one)
_SPACES = str.maketrans(
    dict.fromkeys(
        "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
    )
)


def fold(text: str, *, accents: bool = True) -> str:
    """What find compares: case folded and canonically composed ("É", "é" and "e" + accent alike),
    every kind of space a plain one;
    without ``accents``, the accents of Latin, Greek and Cyrillic letters go too ("Zürich" and
    "zurich", "Łódź" and "lodz" alike; "й" stays itself, and a kana's voicing mark or an Indic
    vowel sign stays: they make another letter)."""
    if text.isascii():
        return text.lower()  # (casefold and lower agree on ASCII; nothing to compose)
    text = text.translate(_SPACES)  # QA: "A Bloomberg poll" typed was not found after a no-break space
    if not accents:
        text = _ACCENT.sub("", _decomposed(text)).translate(_STROKES)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def accent_sensitive(query: str) -> bool:
    """Whether a query asks for its accents: one written with an accent matches only that accent
    ("é" finds "é", not "e"); one without finds the letter with any accent or none ("e" finds "é")."""
    if query.isascii():
        return False
    return bool(_ACCENT.search(_decomposed(query))) or query != query.translate(_STROKES)  # ł, ø: accents too


# a run of characters none of which a combining mark follows, or a character with its marks
# (Hangul jamo, letters that compose with the next, are runs of their own: see _folded)
_JAMO_RANGE = r"\u1100-\u11ff"
_PIECE = regex.compile(
    rf"[{_JAMO_RANGE}]+\p{{M}}*|(?:[^\p{{M}}{_JAMO_RANGE}](?!\p{{M}}))+|[^\p{{M}}{_JAMO_RANGE}]\p{{M}}*|\p{{M}}+"
)
_JAMO = regex.compile(rf"[{_JAMO_RANGE}]")
_CLUSTER = regex.compile(r"\X")  # a grapheme cluster (a Hangul syllable written in jamo is one)


@dataclass(frozen=True)
class _Folded:
    """An article folded for find, with the way back to its offsets: pieces of text that fold one
    character to one (``linear``: an offset maps to an offset), and atomic ones — a character with
    its combining marks, or one that folds to several ("ß" → "ss") — that a match takes whole or not
    at all. Kept sparse: a run of plain letters is one piece, whatever the script."""

    hay: str
    starts: list[int]  # each piece's start in ``hay``
    origin: list[int]  # and in the text
    ends: list[int]  # its end in the text
    linear: list[bool]

    def start(self, p: int) -> int | None:
        """The text offset of a match starting at ``p`` in ``hay``; None inside an atomic piece."""
        i = bisect_right(self.starts, p) - 1
        if self.linear[i]:
            return self.origin[i] + p - self.starts[i]
        return self.origin[i] if p == self.starts[i] else None

    def end(self, q: int) -> int | None:
        """The text offset of a match ending at ``q`` (exclusive) in ``hay``; None inside a piece."""
        i = bisect_right(self.starts, q - 1) - 1
        if self.linear[i]:
            return self.origin[i] + q - self.starts[i]
        stop = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.hay)
        return self.ends[i] if q == stop else None


@lru_cache(maxsize=4)
def _folded(text: str, accents: bool = True) -> _Folded:
    parts: list[str] = []
    starts: list[int] = []
    origin: list[int] = []
    ends: list[int] = []
    linear: list[bool] = []
    at = 0  # in the folded text

    def add(piece: str, o: int, folded: str, simple: bool) -> None:
        nonlocal at
        if simple and linear and linear[-1] and ends[-1] == o:
            ends[-1] = o + len(piece)  # the run of one-to-one characters goes on
        else:
            starts.append(at)
            origin.append(o)
            ends.append(o + len(piece))
            linear.append(simple)
        parts.append(folded)
        at += len(folded)

    for m in _PIECE.finditer(text):
        piece, o = m.group(), m.start()
        if piece.isascii():
            add(piece, o, piece.lower(), True)
            continue
        if _JAMO.match(piece):  # Hangul written as jamo: each syllable (with its marks) whole or not at all
            for g in _CLUSTER.finditer(piece):
                c = g.group()
                f = fold(c, accents=accents)
                add(c, o + g.start(), f, len(c) == len(f) == 1)
            continue
        folded = fold(piece, accents=accents)
        if len(folded) == len(piece) and (len(piece) == 1 or not unicodedata.category(piece[-1]).startswith("M")):
            add(piece, o, folded, True)  # folds one to one throughout (casefold maps each letter alone)
        elif len(piece) > 1 and not unicodedata.category(piece[-1]).startswith("M"):
            for k, c in enumerate(piece):  # a run with "ß" or the like in it: letter by letter
                f = fold(c, accents=accents)
                add(c, o + k, f, len(f) == 1)
        else:
            add(piece, o, folded, False)  # a letter with its marks: whole or not at all
    return _Folded("".join(parts), starts, origin, ends, linear)


def find_all(text: str, needle: str, *, whole_words: bool = False) -> list[Token]:
    """Every (start, end) where ``needle`` occurs in ``text`` — case-insensitively, an accent composed
    or written as a letter and a combining mark alike ("straße" finds "STRASSE"), and a needle
    without accents finding letters with them ("zurich" finds "Zürich"; see :func:`accent_sensitive`)
    — not overlapping, in whole characters: a match never stops inside one ("e" + accent is one).
    With ``whole_words`` a hit must not continue a word on either side. Spaces between the needle's
    words match any run of whitespace (QA, stop 46: "it is clear" did not find "it  is clear", and news text is
    full of double spaces)."""
    accents = accent_sensitive(needle)
    low = fold(needle, accents=accents)
    if not low:
        return []
    folded = None if text.isascii() else _folded(text, accents)
    hay = text.lower() if folded is None else folded.hay
    parts = [m[0] for m in re.finditer(r"\s+|\S+", low)]
    last = len(parts) - 1  # (spaces at the needle's ends are matched as typed: "Iowa " finds "Iowa ")
    pattern = re.compile("".join(r"\s+" if p.isspace() and 0 < i < last else re.escape(p) for i, p in enumerate(parts)))
    out: list[Token] = []
    found = pattern.search(hay)
    while found is not None:
        pos, end = found.span()
        start, stop = (pos, end) if folded is None else (folded.start(pos), folded.end(end))
        if (
            start is not None
            and stop is not None
            and (
                not whole_words
                or ((start == 0 or not text[start - 1].isalnum()) and (stop == len(text) or not text[stop].isalnum()))
            )
            and (not out or start >= out[-1][1])
        ):
            out.append((start, stop))
            found = pattern.search(hay, end)
        else:
            found = pattern.search(hay, pos + 1)
    return whole_characters(text, out)


def _joins(text: str, at: int) -> bool:
    """Whether a grapheme cluster might go on across offset ``at``: the character there (or just
    before) joins, modifies or pairs (a mark, a zero-width joiner, a variation selector or skin tone,
    a flag's letter, a Hangul jamo, "\r\n")."""
    for c in text[max(at - 1, 0) : at + 1]:
        if c == "\r" or (
            ord(c) > 0x7F
            and (
                unicodedata.category(c) in ("Mn", "Mc", "Me", "Cf", "Sk")
                or 0x1F1E6 <= ord(c) <= 0x1F1FF
                or 0x1100 <= ord(c) <= 0x11FF
                or 0xFE00 <= ord(c) <= 0xFE0F
                or 0x1F3FB <= ord(c) <= 0x1F3FF
            )
        ):
            return True
    return False


def whole_characters(text: str, found: list[Token]) -> list[Token]:
    """``found`` widened to whole grapheme clusters ("e" of an "e" + accent takes the accent too), as
    a find's selection is; one that comes to overlap the one before is dropped."""
    if not found or text.isascii():  # (a "\r\n" is one cluster, but no find stops between its two)
        return found
    if not any(_joins(text, s) or _joins(text, e) for s, e in found):
        return found  # no match starts or ends where a cluster could go on: no need to find them all
    if len(_clusters(text)) == len(text):  # every code point a character of its own: nothing to widen
        return found
    out: list[Token] = []
    for s, e in found:
        s, e = cluster_at(text, s)[0], cluster_at(text, e - 1)[1]
        if not out or s >= out[-1][1]:
            out.append((s, e))
    return out
