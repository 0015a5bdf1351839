"""The export format ``newsreview/1`` (JSON envelope, or JSONL of article objects).

Shared by ``newsreview export`` (reviewed state from the store), ``newsreview extract`` (fresh
candidates, all pending) and the app's export action.  Never imports Textual or spaCy; the pydantic
schema lives in ``tui.schema`` and is only imported by ``newsreview schema`` and the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

FORMAT = "newsreview/1"
DEFAULT_INCLUDE = ("accepted", "edited", "added")
ALL_STATUSES = ("accepted", "edited", "added", "rejected", "pending")
ORDERS = ("checkworthiness", "article")

ENTITY_FIELDS = ("id", "start", "end", "text", "label", "token_start", "token_end", "status", "origin", "model")
CLAIM_FIELDS = (
    "id",
    "start",
    "end",
    "text",
    "speaker",
    "cue",
    "quote_type",
    "numbers",
    "hedges",
    "checkworthiness",
    "status",
    "origin",
    "model",
)
DECISION_FIELDS = ("reviewer", "decided_at", "original")


def parse_include(value: str | None) -> tuple[str, ...]:
    """``--include pending,rejected`` adds those statuses to the default accepted/edited/added."""
    extra = [v.strip() for v in (value or "").split(",") if v.strip()]
    unknown = [v for v in extra if v not in ALL_STATUSES and v != "all"]
    if unknown:
        raise ValueError(f"--include: unknown status '{unknown[0]}' (use {', '.join(ALL_STATUSES)} or all)")
    if "all" in extra:
        return ALL_STATUSES
    return tuple(dict.fromkeys(DEFAULT_INCLUDE + tuple(extra)))


def candidate_record(cand: dict[str, Any]) -> dict[str, Any]:
    fields = ENTITY_FIELDS if cand["kind"] == "entity" else CLAIM_FIELDS
    out = {k: cand.get(k) for k in fields}
    if cand["kind"] == "claim":
        out["numbers"] = list(cand.get("numbers") or [])
        out["hedges"] = list(cand.get("hedges") or [])
    for key in DECISION_FIELDS:
        if cand.get(key) is not None:
            out[key] = cand[key]
    return out


def review_block(cands: list[dict[str, Any]], updated_at: str | None) -> dict[str, Any]:
    decided = sum(1 for c in cands if c["status"] != "pending")
    reviewers = sorted({c["reviewer"] for c in cands if c.get("reviewer")})
    status = "pending" if decided == 0 else ("done" if decided == len(cands) else "in_progress")
    return {"status": status, "reviewers": reviewers, "decided": decided, "total": len(cands), "updated_at": updated_at}


def article_record(
    info: dict[str, Any],
    text: str,
    cands: list[dict[str, Any]],
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    order: str = "checkworthiness",
) -> dict[str, Any]:
    include = set(include)
    updated = max((c["decided_at"] for c in cands if c.get("decided_at")), default=None)
    chosen = [c for c in cands if c["status"] in include]
    entities = [candidate_record(c) for c in chosen if c["kind"] == "entity"]
    claims = [candidate_record(c) for c in chosen if c["kind"] == "claim"]
    entities.sort(key=lambda c: (c["start"], c["end"]))
    if order == "article":
        claims.sort(key=lambda c: (c["start"], c["end"]))
    else:
        claims.sort(key=lambda c: (-c["checkworthiness"], c["start"], c["end"]))
    return {
        "id": info["id"],
        "title": info.get("title", ""),
        "text": text,
        "source": info.get("source", ""),
        "url": info.get("url", ""),
        "published": info.get("published", ""),
        "meta": info.get("meta") or {},
        "review": review_block(cands, updated),
        "entities": entities,
        "claims": claims,
    }


def store_articles(
    store: Any,
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    article_ids: Iterable[str] | None = None,
    order: str = "checkworthiness",
) -> Iterator[dict[str, Any]]:
    include = tuple(include)
    for aid in article_ids if article_ids is not None else store.article_ids():
        article = store.article(aid)
        yield article_record(article, article["text"], store.candidates(aid), include=include, order=order)


def extraction_article(extraction: Any, *, order: str = "checkworthiness") -> dict[str, Any]:
    """An extraction (no store) as an export article: every candidate pending."""
    art = extraction.article
    info = {
        "id": art.id,
        "title": art.title,
        "source": art.source,
        "url": art.url,
        "published": art.published,
        "meta": art.meta,
    }
    cands = [{**c, "status": "pending"} for c in extraction.entities + extraction.claims]
    return article_record(info, art.text, cands, include=ALL_STATUSES, order=order)


def envelope(articles: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": list(articles),
    }


def render(articles: Iterable[dict[str, Any]], fmt: str = "json") -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
    import orjson  # here: `newsreview --help` and the app's start need not pay for its import

    doc = envelope(articles)
    try:  # orjson writes the same indented JSON about 15x faster than json (extract's output is MBs)
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except (TypeError, orjson.JSONEncodeError):  # what orjson refuses (a lone surrogate, a 65-bit int)
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
