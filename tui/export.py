"""The export format ``newsreview/2`` (JSON envelope, or JSONL of article objects).

Shared by ``newsreview export`` (reviewed state from the store), ``newsreview extract`` (fresh
candidates, all pending) and the app's export action. The store's *final view* is exported by
default: for each candidate the adjudicated decision if there is one, else the decision all its
reviewers agree on, else ``disputed`` (left out unless asked for, with every reviewer's version under
``reviews``); ``--reviewer NAME`` exports one reviewer's own view instead. Every decided item says
who decided it and when (``reviewer``, ``decided_at``, and ``reviews``: each reviewer's version).

Never imports Textual or spaCy; the pydantic schema lives in ``tui.schema``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from extractors.records import token_ranger
from extractors.vocabulary import DISPUTED, NOT_SPEAKERS, REVIEWED

from .sanitize import escape_json

FORMAT = "newsreview/2"
DEFAULT_INCLUDE: tuple[str, ...] = REVIEWED
ALL_STATUSES = (*REVIEWED, "rejected", "pending", DISPUTED)  # as --include lists them
ORDERS = ("checkworthiness", "article")

ENTITY_FIELDS = ("id", "start", "end", "text", "label", "token_start", "token_end", "status", "origin", "model")
#: ENTITY also carries "group" (its group's id); ARTICLE carries "groups"
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
DECISION_FIELDS = ("reviewer", "decided_at", "original", "reviews", "adjudication", "suggestion")


def parse_include(value: str | None) -> tuple[str, ...]:
    """``--include pending,rejected`` adds those statuses to the default accepted/edited/added."""
    extra = [v.strip() for v in (value or "").split(",") if v.strip()]
    unknown = [v for v in extra if v not in ALL_STATUSES and v != "all"]
    if unknown:
        from .sanitize import clean_line

        raise ValueError(
            f"--include: unknown status '{clean_line(unknown[0], 40)}' (use {', '.join(ALL_STATUSES)} or all)"
        )
    if "all" in extra:
        return ALL_STATUSES
    return tuple(dict.fromkeys(DEFAULT_INCLUDE + tuple(extra)))


def candidate_record(cand: dict[str, Any]) -> dict[str, Any]:
    fields = ENTITY_FIELDS if cand["kind"] == "entity" else CLAIM_FIELDS
    out = {k: cand.get(k) for k in fields}
    if cand["kind"] == "claim":
        out["numbers"] = list(cand.get("numbers") or [])
        out["hedges"] = list(cand.get("hedges") or [])
        if cand.get("desk_checkworthiness") is not None:  # from a store: the desk's corrected score
            out["desk_checkworthiness"] = cand["desk_checkworthiness"]
    for key in DECISION_FIELDS:
        if cand.get(key) is not None:
            out[key] = cand[key]
    return out


def review_block(cands: list[dict[str, Any]], updated_at: str | None) -> dict[str, Any]:
    # the desk memory's pending proposals are suggestions, counted apart on screen, in `articles` and
    # in `status` (QA: the export's total was one higher per proposal); taken, they count as added
    cands = [c for c in cands if not (c.get("origin") == "memory" and c["status"] == "pending")]
    decided = sum(1 for c in cands if c["status"] not in ("pending", "disputed"))
    disputed = sum(1 for c in cands if c["status"] == "disputed")
    names = {c["reviewer"] for c in cands if c.get("reviewer")}
    names |= {r["reviewer"] for c in cands for r in c.get("reviews") or ()}
    status = _progress(cands)
    entities = [c for c in cands if c["kind"] == "entity"]
    return {
        "status": status,
        # QA: an article whose entities were all decided but a claim not was exported to Prodigy as
        # "ignore" (its status), and read back its entity decisions were lost
        "entity_status": _progress(entities) if entities else status,
        "reviewers": sorted(names),
        "decided": decided,
        "disputed": disputed,
        "total": len(cands),
        "updated_at": updated_at,
    }


def _progress(cands: list[dict[str, Any]]) -> str:
    decided = sum(1 for c in cands if c["status"] not in ("pending", "disputed"))
    disputed = sum(1 for c in cands if c["status"] == "disputed")
    if decided == 0 and disputed == 0:
        return "pending"
    return "done" if decided == len(cands) else "in_progress"


def _with_groups(article: str, cands: list[dict[str, Any]], record: dict[str, Any]) -> None:
    """Give each exported entity its group id and the article its groups (exported mentions only)."""
    from extractors.groups import entity_groups

    groups = entity_groups(article, [c for c in cands if c["kind"] == "entity" and c["status"] != "removed"])
    of = {cid: g["id"] for g in groups.values() for cid in g["mentions"]}
    exported = set()
    for ent in record["entities"]:
        ent["group"] = of.get(ent["id"])
        exported.add(ent["id"])
    record["groups"] = [
        {"id": g["id"], "name": g["name"], "label": g["label"], "mentions": [m for m in g["mentions"] if m in exported]}
        for g in groups.values()
        if any(m in exported for m in g["mentions"])
    ]


def article_record(
    info: dict[str, Any],
    text: str,
    cands: list[dict[str, Any]],
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    order: str = "checkworthiness",
) -> dict[str, Any]:
    wanted = set(include)
    stamps = [c["decided_at"] for c in cands if c.get("decided_at")]
    stamps += [r["decided_at"] for c in cands for r in c.get("reviews") or ()]
    chosen = [c for c in cands if c["status"] in wanted]
    entities = [candidate_record(c) for c in chosen if c["kind"] == "entity"]
    claims = [candidate_record(c) for c in chosen if c["kind"] == "claim"]
    entities.sort(key=lambda c: (c["start"], c["end"]))
    # a speaker links only to an entity this record holds, not a rejected one, nor one relabelled
    # since to what cannot speak (QA, stop 50: a speaker's entity made a DATE stayed its link)
    exported = {e["id"] for e in entities if e.get("label") not in NOT_SPEAKERS}
    for claim in claims:
        speaker = claim.get("speaker")
        if speaker and speaker.get("entity_id") is not None and speaker["entity_id"] not in exported:
            claim["speaker"] = {**speaker, "entity_id": None}
    if order == "article":
        claims.sort(key=lambda c: (c["start"], c["end"]))
    else:
        claims.sort(key=lambda c: (-c["checkworthiness"], c["start"], c["end"]))
    record = {
        "id": info["id"],
        "title": info.get("title", ""),
        "text": text,
        "source": info.get("source", ""),
        "url": info.get("url", ""),
        "published": info.get("published", ""),
        "meta": info.get("meta") or {},
        "review": review_block(cands, max(stamps, default=None)),
        "entities": entities,
        "claims": claims,
    }
    _with_groups(info["id"], cands, record)
    return record


@dataclass
class Problems:
    """Articles that could not be exported (a damaged or missing file), one line each."""

    lines: list[str] = field(default_factory=list)


PREFETCH = 32  # articles an export asks the store to read ahead at once


def store_articles(
    store: Any,
    *,
    include: Iterable[str] = DEFAULT_INCLUDE,
    article_ids: Iterable[str] | None = None,
    order: str = "checkworthiness",
    view: str = "final",
    problems: Problems | None = None,
    all_labels: bool = False,
    tokens: dict[str, list[list[int]]] | None = None,
) -> Iterator[dict[str, Any]]:
    """The store's articles as export records. A damaged article is skipped and named in
    ``problems`` (raises instead when no ``problems`` is given). ``tokens``: filled with each
    exported article's token offsets, by id (the Prodigy and spaCy formats need them: read with the
    text, not a second time)."""
    from .store import StoreError

    include = tuple(include)
    ids = list(article_ids if article_ids is not None else store.article_ids())
    desk = store.desk if ids and hasattr(store, "desk") else None  # learnt once, before the first article
    for n, aid in enumerate(ids):
        if n % PREFETCH == 0 and hasattr(store, "prefetch"):
            store.prefetch(ids[n : n + PREFETCH])
        try:
            article = store.article(aid)
            cands = store.candidates(aid, view=view)
            if not all_labels:
                cands = [c for c in cands if store.in_export(c)]
            if article.get("tokens"):  # numbered from the text: 0.2.0 kept list positions for edits
                tokens_of = token_ranger(article["text"], article["tokens"])
                for c in cands:
                    if c["kind"] == "entity":
                        c["token_start"], c["token_end"] = tokens_of(c["start"], c["end"])
            if desk is not None:
                for c in cands:
                    if c["kind"] == "claim":
                        c["desk_checkworthiness"] = desk.score(c)
        except StoreError as err:
            if problems is None:
                raise
            problems.lines.append(str(err))
            continue
        if tokens is not None:
            tokens[aid] = article.get("tokens") or []
        yield article_record(article, article["text"], cands, include=include, order=order)


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


def render_chunks(
    articles: Iterable[dict[str, Any]], fmt: str = "json", *, exported_at: str | None = None
) -> Iterator[str]:
    """What :func:`render` returns, one article at a time: an export streams (its first article
    written while the store still reads the rest) and never holds every record at once. Characters a
    terminal or a line splitter would act on (C1 controls, bidi controls, U+2028/9) are written as
    ``\\u`` escapes, so the output is safe to print and splits on newlines only where a record ends."""
    if fmt == "jsonl":
        for a in articles:
            yield escape_json(orjson.dumps(a).decode("utf-8")) + "\n"
        return
    # the indented envelope, byte for byte as orjson writes it whole: JSON strings hold no raw line
    # break, so indenting an article's own lines by the envelope's two levels is exact
    stamp = exported_at or datetime.now(UTC).isoformat(timespec="seconds")
    head = orjson.dumps({"format": FORMAT, "exported_at": stamp}, option=orjson.OPT_INDENT_2).decode("utf-8")
    yield escape_json(head[: -len("\n}")]) + ',\n  "articles": ['
    first = True
    for a in articles:
        text = orjson.dumps(a, option=orjson.OPT_INDENT_2).decode("utf-8")
        yield ("\n" if first else ",\n") + escape_json("    " + text.replace("\n", "\n    "))
        first = False
    yield "]\n}\n" if first else "\n  ]\n}\n"


def render(articles: Iterable[dict[str, Any]], fmt: str = "json") -> str:
    """JSON (indented envelope) or JSONL (one article per line), whole (see :func:`render_chunks`)."""
    return "".join(render_chunks(articles, fmt))
