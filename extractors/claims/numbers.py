"""Numbers and hedges inside a claim: the parts an analyst checks first."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from spacy.attrs import IDX, LENGTH, LIKE_EMAIL, LIKE_NUM, LIKE_URL, POS
from spacy.symbols import NUM
from spacy.tokens import Doc, Span

from ..records import SpanRef, span

NUMBER_ENTS = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL")
VAGUE_NUMBERS = re.compile(
    r"\b(?:(?:tens|hundreds|thousands|millions|billions|dozens|scores) of(?: thousands| millions| billions)?|"
    r"(?:a|one|two|three) (?:dozen|hundred|thousand|million|billion))\b",
    re.I,
)
HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|supposedly|possibly|probably|likely|unlikely|"
    r"unconfirmed|alleged|suspected|presumably|estimated|an estimated|"
    r"(?:about|around|roughly|approximately|nearly|almost|up to|some)(?= \d)|"
    r"(?:is|are|was|were) (?:believed|thought|said|reported|understood|alleged|estimated|expected) to|"
    r"believed to|thought to|appears? to|appeared to|seems? to|seemed to|may|might|could|would|"
    r"according to (?:sources|officials|reports|people familiar)|sources say|it is understood)\b",
    re.I,
)


class Numbers:
    """The numbers of one Doc to find inside claims: numeric entities and number tokens — like a
    number, tagged NUM, or holding a digit (22-year-old, 4.5%, F-35) — read once, from ``doc.ents``
    and ``Doc.to_array``, and kept sorted so a claim's are found by binary search."""

    def __init__(self, doc: Doc, text: str, ents: Sequence[Span]):
        self.text = text
        self.entities = [(e.start_char, e.end_char) for e in ents if e.label_ in NUMBER_ENTS]
        self.tokens = []
        rows = doc.to_array([IDX, LENGTH, LIKE_NUM, POS, LIKE_URL, LIKE_EMAIL]).tolist()
        for idx, length, like_num, pos, like_url, like_email in rows:
            word = text[idx : idx + length]
            # (a letter is never a digit: most words need no look at each character); QA: a URL or an
            # address ("file:///etc", tagged NUM) is no number
            number = like_num or pos == NUM or (not word.isalpha() and any(map(str.isdigit, word)))
            if number and not (like_url or like_email or "://" in word):
                self.tokens.append((idx, idx + length))

    def inside(self, start: int, end: int) -> list[SpanRef]:
        """Numbers inside ``[start, end)``: numeric entities, number tokens wholly inside it, vague
        amounts ("tens of thousands"); overlapping ones merged."""
        found = _inside(self.entities, start, end) + _inside(self.tokens, start, end)
        found += [(m.start(), m.end()) for m in VAGUE_NUMBERS.finditer(self.text, start, end)]
        return [span(self.text, s, e) for s, e in _merge(found)]


def find_hedges(text: str, start: int, end: int) -> list[SpanRef]:
    """Hedges inside ``[start, end)``: "reportedly", "is believed to", "about 300", "may"…"""
    return [span(text, m.start(), m.end()) for m in HEDGES.finditer(text, start, end)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The spans wholly inside ``[start, end)``; ``spans`` are sorted and do not overlap (entities,
    tokens), so their ends are sorted too and a binary search finds the first."""
    out = []
    for i in range(bisect_left(spans, (start, start)), len(spans)):
        s, e = spans[i]
        if e > end:
            break
        out.append((s, e))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
