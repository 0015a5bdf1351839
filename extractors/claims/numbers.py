"""Numbers and hedges inside a claim: the parts an analyst checks first."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from spacy.attrs import IDX, LENGTH, LIKE_NUM, POS
from spacy.symbols import NUM

from ..records import span

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


def number_entities(ents: Any) -> list[tuple[int, int]]:
    """Char spans of the numeric entities among ``ents`` (read ``doc.ents`` once: it walks every token)."""
    return [(e.start_char, e.end_char) for e in ents if e.label_ in NUMBER_ENTS]


def number_tokens(doc: Any, text: str | None = None) -> list[tuple[int, int]]:
    """Char spans of the tokens that are numbers to check — like a number, tagged NUM, or holding a
    digit (22-year-old, 4.5%, F-35) — read once per Doc from ``Doc.to_array``."""
    text = doc.text if text is None else text
    out = []
    for idx, length, like_num, pos in doc.to_array([IDX, LENGTH, LIKE_NUM, POS]).tolist():
        if like_num or pos == NUM or any(ch.isdigit() for ch in text[idx : idx + length]):
            out.append((idx, idx + length))
    return out


def find_numbers(
    doc: Any,
    start: int,
    end: int,
    ents: list[tuple[int, int]] | None = None,
    text: str | None = None,
    tokens: list[tuple[int, int]] | None = None,
) -> list[dict[str, Any]]:
    """Numbers inside ``[start, end)``: numeric entities, number tokens wholly inside it, vague amounts
    ("tens of thousands"). Pass ``ents`` (``number_entities``), ``text`` and ``tokens``
    (``number_tokens``) when calling it for many spans of one Doc."""
    text = doc.text if text is None else text  # pass it: Doc.text joins every token on each access
    found = _inside(number_entities(doc.ents) if ents is None else ents, start, end)
    found += _inside(number_tokens(doc, text) if tokens is None else tokens, start, end)
    for m in VAGUE_NUMBERS.finditer(text, start, end):
        found.append((m.start(), m.end()))
    return [span(text, s, e) for s, e in _merge(found)]


def find_hedges(doc: Any, start: int, end: int, text: str | None = None) -> list[dict[str, Any]]:
    text = doc.text if text is None else text
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
