"""Quoted passages: where they are, the lookups attribution makes on them in O(log n), and the quote
type of a claim's content. No spaCy: the review app uses it for the claims an analyst makes.

Curly, straight and ``''`` (two apostrophes, New York Times archive text) double quote marks are one
family: a passage opened with one kind may close with another, as edited copy often does. An unclosed
quote runs to the end of its paragraph (PolNeAR-style continuing quote), so an odd number of quote
marks degrades instead of giving up.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .wrapping import unwrapped

if TYPE_CHECKING:
    from .vocabulary import QuoteType

OPEN_QUOTES = "“«„"
CLOSE_QUOTES = "”»"
QUOTE_MARK = re.compile(r"(?<!')''(?!')|[“«„”»\"]")
PARAGRAPH = re.compile(r"[^\n]+")

Quote = tuple[int, int]


def find_quotes(text: str) -> list[Quote]:
    """(start, end) of quoted passages, quote marks included, in text order; they never overlap."""
    quotes: list[Quote] = []
    for para in PARAGRAPH.finditer(text):
        open_at: int | None = None
        for mark in QUOTE_MARK.finditer(text, para.start(), para.end()):
            ch = mark.group()
            if open_at is None:
                if ch not in CLOSE_QUOTES:
                    open_at = mark.start()
            elif ch not in OPEN_QUOTES or text[mark.start() - 1] in ",.?!":  # “It's unusual,“ said …
                quotes.append((open_at, mark.end()))
                open_at = None
        if open_at is not None and para.end() - open_at > 3:
            quotes.append((open_at, para.end()))
    return quotes


class Quotes:
    """The quotes of one text (as ``find_quotes`` gives them: sorted, disjoint) with range lookups.

    Every lookup is a binary search, so attribution stays linear in the length of the article however
    many quotes it holds (a scan of every quote per cue had made a 900k-character article take minutes).
    """

    def __init__(self, text: str, spans: list[Quote] | None = None):
        self.text = text
        self.spans = find_quotes(text) if spans is None else spans
        self.starts = [q[0] for q in self.spans]
        self.ends = [q[1] for q in self.spans]
        self._exact = set(self.spans)
        self._start_set = set(self.starts)

    def __iter__(self) -> Iterator[Quote]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def __contains__(self, span: object) -> bool:
        return span in self._exact

    def starts_at(self, pos: int) -> bool:
        """Whether a quote opens at ``pos``."""
        return pos in self._start_set

    def containing(self, pos: int) -> Quote | None:
        """The quote ``pos`` falls in (its opening mark included, its end excluded), if any."""
        i = bisect_right(self.starts, pos) - 1
        return self.spans[i] if i >= 0 and pos < self.ends[i] else None

    def overlapping(self, start: int, end: int) -> list[Quote]:
        """The quotes that share at least one character with ``[start, end)``, in text order."""
        return self.spans[bisect_right(self.ends, start) : bisect_left(self.starts, end)]

    def first_starting_after(self, pos: int) -> Quote | None:
        """The first quote opening strictly after ``pos``."""
        i = bisect_right(self.starts, pos)
        return self.spans[i] if i < len(self.spans) else None

    def first_starting_from(self, pos: int) -> Quote | None:
        """The first quote opening at or after ``pos``."""
        i = bisect_left(self.starts, pos)
        return self.spans[i] if i < len(self.spans) else None

    def last_ending_by(self, pos: int) -> Quote | None:
        """The last quote that is closed at or before ``pos``."""
        i = bisect_right(self.ends, pos) - 1
        return self.spans[i] if i >= 0 else None

    def any_starting_in(self, start: int, end: int) -> bool:
        """Whether a quote opens in ``[start, end)``."""
        i = bisect_left(self.starts, start)
        return i < len(self.starts) and self.starts[i] < end

    def same_line(self, start: int, end: int) -> bool:
        """No line break in ``text[start:end]``."""
        return "\n" not in self.text[start:end]


def content_type(start: int, end: int, quotes: Quotes, roles: Iterable[tuple[int, int]] = ()) -> QuoteType:
    """How a claim's content ``[start, end)`` is quoted: ``direct`` (all of it, give or take a mark
    of punctuation), ``mixed`` (part of it), ``indirect`` (none). ``roles``: the claim's speaker and
    cue, not counted as unquoted words where the content holds them (“A,” said Lagarde. “B.” is all
    her words: direct)."""
    inner = quotes.overlapping(start, end)
    if not inner:
        return "indirect"
    text = quotes.text
    quoted = sum(min(end, q[1]) - max(start, q[0]) for q in inner)
    if quoted >= (end - start) - 2:
        return "direct"
    outside = list(text[start:end])
    for a, b in inner:
        for i in range(max(a, start), min(b, end)):
            outside[i - start] = " "
    # the words between two quotes that hold the claim's speaker or cue are its attribution ("…,” said
    # Lagarde on Thursday in Frankfurt. “…”): not unquoted words of the content
    for (_, gap_start), (gap_end, _) in itertools.pairwise(sorted(inner)):
        if any(a < gap_end and gap_start < b for a, b in roles):
            for i in range(max(gap_start, start), min(gap_end, end)):
                outside[i - start] = " "
    return "mixed" if "".join(outside).strip(" ,.;:\n\t\u00a0") else "direct"


def quote_type_of(
    text: str, start: int, end: int, *, attributed: bool, roles: Iterable[tuple[int, int]] = ()
) -> QuoteType:
    """The quote type of a claim an analyst made or moved, as the extraction gives it: by the quotes
    its content holds (``roles``: see :func:`content_type`); an unquoted content with no speaker and no
    cue is ``none`` (a statement)."""
    kind = content_type(start, end, Quotes(unwrapped(text)), roles)
    return "none" if kind == "indirect" and not attributed else kind
