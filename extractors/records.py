"""The shared data model: articles, candidate spans, ids and input errors.

Candidates are plain JSON-ready dicts (they go straight into the store and the export), built by the
helpers here so every producer fills the same fields.  Offsets are Python ``str`` indices into the
article's normalised text, end exclusive, and ``text == article.text[start:end]`` always holds.

Entity candidate::

    {"id", "kind": "entity", "start", "end", "text", "label", "token_start", "token_end",
     "origin": "model|analyst|imported", "model": "name-version" | None}

Claim candidate::

    {"id", "kind": "claim", "start", "end", "text",            # the content span
     "speaker": {"start", "end", "text", "entity_id"?, "name"?} | None,
     "cue": {"start", "end", "text"} | None,
     "quote_type": "direct|indirect|mixed|none",
     "numbers": [{"start", "end", "text"}], "hedges": [{"start", "end", "text"}],
     "checkworthiness": float 0..1, "origin", "model"}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

#: Articles longer than this (in characters) are refused: 2 MB of text is ~40 books' chapters, far more
#: than any news article, and keeps one bad file from exhausting memory in the parser.
MAX_ARTICLE_CHARS = 1_000_000


class InputError(ValueError):
    """Bad input: carries the file and, when known, the line and field, for a one-line message."""

    def __init__(self, path: Any, message: str, *, line: int | None = None, field: str | None = None):
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


def span(text: str, start: int, end: int) -> dict[str, Any]:
    """A ``{start, end, text}`` reference into ``text``."""
    return {"start": start, "end": end, "text": text[start:end]}


def entity_candidate(
    article_text: str,
    article: str,
    start: int,
    end: int,
    label: str,
    *,
    token_start: int | None = None,
    token_end: int | None = None,
    origin: str = "model",
    model: str | None = None,
) -> dict[str, Any]:
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
    speaker: dict[str, Any] | None = None,
    cue: dict[str, Any] | None = None,
    quote_type: str = "none",
    numbers: list[dict[str, Any]] | None = None,
    hedges: list[dict[str, Any]] | None = None,
    checkworthiness: float = 0.0,
    origin: str = "model",
    model: str | None = None,
) -> dict[str, Any]:
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


def check_offsets(article_text: str, cand: dict[str, Any]) -> None:
    """Raise ValueError unless every span of a candidate indexes ``article_text`` exactly."""
    refs = [cand]
    if cand.get("kind") == "claim":
        refs += [r for r in (cand.get("speaker"), cand.get("cue")) if r]
        refs += list(cand.get("numbers") or []) + list(cand.get("hedges") or [])
    for ref in refs:
        s, e = ref["start"], ref["end"]
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(article_text)):
            raise ValueError(f"span {s}..{e} is outside the text (length {len(article_text)})")
        if article_text[s:e] != ref["text"]:
            raise ValueError(f"span {s}..{e} text {ref['text']!r} != article text {article_text[s:e]!r}")
