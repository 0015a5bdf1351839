"""The shared data model: articles, candidate records, ids and input errors.

Candidates are plain JSON-ready dicts (they go straight into the store and the export), typed here
(:class:`EntityRecord`, :class:`ClaimRecord`; ``tui/schema.py`` is the same model for the export, in
pydantic) and built by the helpers here so every producer fills the same fields. Offsets are Python
``str`` indices into the article's normalised text, end exclusive, and
``text == article.text[start:end]`` always holds.
"""

from __future__ import annotations

import hashlib
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict

from .vocabulary import Origin, QuoteType

#: Articles longer than this (in characters) are refused: 2 MB of text is ~40 books' chapters, far more
#: than any news article, and keeps one bad file from exhausting memory in the parser.
MAX_ARTICLE_CHARS = 1_000_000


class SpanRef(TypedDict):
    """A span of the article: ``text == article_text[start:end]``."""

    start: int
    end: int
    text: str


class Speaker(SpanRef):
    """Who made a claim: the phrase in the text, and the source it names."""

    entity_id: NotRequired[str]  # the entity candidate it refers to, when linked
    name: NotRequired[str]  # the fullest mention of the source ("Ben Wallace" for "he")


class EntityRecord(TypedDict):
    id: str
    kind: Literal["entity"]
    start: int
    end: int
    text: str
    label: str
    token_start: int | None
    token_end: int | None  # exclusive
    origin: Origin
    model: str | None  # "name-version" of the spaCy pipeline; None for analyst and imported spans


class ClaimRecord(TypedDict):
    id: str
    kind: Literal["claim"]
    start: int  # the content span
    end: int
    text: str
    speaker: Speaker | None
    cue: SpanRef | None
    quote_type: QuoteType
    numbers: list[SpanRef]
    hedges: list[SpanRef]
    checkworthiness: float  # 0..1
    origin: Origin
    model: str | None


class FoundSpeaker(SpanRef):
    """A claim's speaker as the claims component finds it: the phrase, and the fullest mention of the
    same source in the article ("he" -> "UK Defense Secretary Ben Wallace"), when resolved."""

    resolved: SpanRef | None


class FoundClaim(TypedDict):
    """What the claims component writes to ``doc._.newsreview_claims`` (char offsets into ``doc.text``); the
    extraction turns each into a :class:`ClaimRecord`, linking the speaker to an entity. Attribution
    makes the first five fields; numbers, hedges and check-worthiness are added after."""

    start: int
    end: int
    speaker: FoundSpeaker | None
    cue: SpanRef | None
    quote_type: QuoteType
    numbers: NotRequired[list[SpanRef]]
    hedges: NotRequired[list[SpanRef]]
    checkworthiness: NotRequired[float]


class InputError(ValueError):
    """Bad input: carries the file and, when known, the line and field, for a one-line message."""

    def __init__(
        self, path: str | os.PathLike[str], message: str, *, line: int | None = None, field: str | None = None
    ):
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            return f"{where}: field '{self.field}': {self.message}"
        return f"{where}: {self.message}"


@dataclass
class Article:
    """One article as loaded from a file: normalised text plus what the input told us about it."""

    text: str
    title: str = ""
    id: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    path: str = ""  # where it was read from (file, or file:line)
    imported_spans: list[dict[str, Any]] = field(default_factory=list)
    #: spans a Prodigy task of our own export lists as not decided (``meta.pending_spans``,
    #: ``meta.disputed_spans``): an accepted task does not reject them
    undecided_spans: list[dict[str, Any]] = field(default_factory=list)
    #: a Prodigy task's answer, read from the record's own top-level fields only (never from ``meta``:
    #: an article of our JSON export keeps the task fields it was imported with there, and read back
    #: they recorded decisions nobody made): ``answer`` (as given), ``annotator``, ``view`` (the
    #: ``_view_id``, or None). None for a record that is no task.
    task: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.text)

    @property
    def text_sha(self) -> str:
        return text_sha(self.text)


def text_sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def article_id(text: str) -> str:
    """A stable id derived from the text: the same article text always gets the same id."""
    return "a-" + text_sha(text)[:12]


def candidate_id(article: str, kind: str, start: int, end: int, label: str = "") -> str:
    """A stable id derived from content (never TinyDB's doc_id)."""
    digest = hashlib.sha1(f"{article}|{kind}|{start}|{end}|{label}".encode()).hexdigest()[:12]
    return ("e-" if kind == "entity" else "c-") + digest


def span(text: str, start: int, end: int) -> SpanRef:
    """A ``{start, end, text}`` reference into ``text``."""
    return {"start": start, "end": end, "text": text[start:end]}


def doc_indices(text: str, tokens: list[tuple[int, int]] | list[list[int]]) -> list[int]:
    """spaCy's token index of each stored token. An article stores its tokens without spaCy's
    whitespace tokens (``Extraction.tokens``), so the two counts drift apart at every paragraph break:
    spaCy makes one whitespace token of the text before the first token if there is any, and of each
    gap between two tokens that is more than the single space a token may carry."""
    out: list[int] = []
    extra = 0
    prev = None
    for k, (s, _e) in enumerate(tokens):
        gap = text[prev:s] if prev is not None else text[:s]
        if gap and (prev is None or gap != " "):
            extra += 1
        out.append(k + extra)
        prev = _e
    return out


def token_ranger(
    text: str, tokens: list[tuple[int, int]] | list[list[int]]
) -> Callable[[int, int], tuple[int | None, int | None]]:
    """``(start, end) -> (token_start, token_end)``: the spaCy token range (``doc[token_start:token_end]``)
    of the stored tokens a span touches, (None, None) if none — for many spans of one article."""
    index = doc_indices(text, tokens)
    starts = [s for s, _ in tokens]
    ends = [e for _, e in tokens]

    def tokens_of(start: int, end: int) -> tuple[int | None, int | None]:
        ts = bisect_right(ends, start)  # the first token ending after start
        te = bisect_left(starts, end) - 1  # the last token starting before end
        if ts >= len(tokens) or te < ts:
            return None, None
        return index[ts], index[te] + 1

    return tokens_of


def token_range(
    text: str, tokens: list[tuple[int, int]] | list[list[int]], start: int, end: int
) -> tuple[int | None, int | None]:
    """:func:`token_ranger` for one span."""
    return token_ranger(text, tokens)(start, end)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start..end`` without the whitespace at its edges (``start == end`` if it is only whitespace):
    an entity begins and ends on its name — another tool's span " Iowa", a selection "Iowa "."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def entity_candidate(
    article_text: str,
    article: str,
    start: int,
    end: int,
    label: str,
    *,
    token_start: int | None = None,
    token_end: int | None = None,
    origin: Origin = "model",
    model: str | None = None,
) -> EntityRecord:
    return {
        "id": candidate_id(article, "entity", start, end, label),
        "kind": "entity",
        "start": start,
        "end": end,
        "text": article_text[start:end],
        "label": label,
        "token_start": token_start,
        "token_end": token_end,
        "origin": origin,
        "model": model,
    }


def claim_candidate(
    article_text: str,
    article: str,
    start: int,
    end: int,
    *,
    speaker: Speaker | None = None,
    cue: SpanRef | None = None,
    quote_type: QuoteType = "none",
    numbers: list[SpanRef] | None = None,
    hedges: list[SpanRef] | None = None,
    checkworthiness: float = 0.0,
    origin: Origin = "model",
    model: str | None = None,
) -> ClaimRecord:
    return {
        "id": candidate_id(article, "claim", start, end),
        "kind": "claim",
        "start": start,
        "end": end,
        "text": article_text[start:end],
        "speaker": speaker,
        "cue": cue,
        "quote_type": quote_type,
        "numbers": numbers or [],
        "hedges": hedges or [],
        "checkworthiness": round(float(checkworthiness), 4),
        "origin": origin,
        "model": model,
    }


def check_offsets(article_text: str, cand: Mapping[str, Any]) -> None:
    """Raise ValueError unless every span of a candidate indexes ``article_text`` exactly."""
    refs: list[Mapping[str, Any]] = [cand]
    if cand.get("kind") == "claim":
        refs += [r for r in (cand.get("speaker"), cand.get("cue")) if r]
        refs += list(cand.get("numbers") or []) + list(cand.get("hedges") or [])
    for ref in refs:
        s, e = ref["start"], ref["end"]
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(article_text)):
            raise ValueError(f"span {s}..{e} is outside the text (length {len(article_text)})")
        if article_text[s:e] != ref["text"]:
            raise ValueError(f"span {s}..{e} text {ref['text']!r} != article text {article_text[s:e]!r}")
