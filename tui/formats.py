"""Formats other tools read: Prodigy's ``db-out`` JSONL and spaCy's ``DocBin``.

- :func:`prodigy_tasks` turns export records into Prodigy tasks as ``prodigy db-out`` writes them for
  ``ner.manual``: ``text``, ``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``), ``spans``
  (``start``, ``end``, ``label``, ``token_start``, ``token_end`` — inclusive, as Prodigy counts),
  ``answer``, ``_input_hash`` / ``_task_hash``, ``_annotator_id``, ``_timestamp``, ``_view_id``,
  ``meta``. One task per article: the reviewed entities are its spans; ``answer`` is ``accept`` once
  the article is fully reviewed, else ``ignore`` (Prodigy's answer for "not decided").
- :func:`docbin_bytes` writes a ``.spacy`` DocBin: each article a Doc on its own tokens, the reviewed
  entities as ``doc.ents``, the claims as ``doc.spans["claims"]`` (labelled by quote type; speaker,
  cue and check-worthiness in ``doc.user_data["newsreview_claims"]``). Imports spaCy (only this).
- :func:`prodigy_decisions` reads Prodigy answers back: for tasks ``add`` loaded, the decisions their
  annotators made, recorded under the annotator's name.

Hashes follow Prodigy's idea (the input hash identifies the text, the task hash the text plus its
spans) as stable signed 32-bit integers; they are not Prodigy's murmurhash values.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson


def _hash(*parts: Any) -> int:
    digest = hashlib.sha1(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _tokens(text: str, offsets: list[list[int]]) -> list[dict[str, Any]]:
    """Prodigy tokens covering the whole text: the stored tokens, and any other whitespace between them
    (a newline) as a token of its own, as spaCy makes it; ``ws`` is a single trailing space."""
    out: list[dict[str, Any]] = []
    pos = 0

    def token(start: int, end: int) -> None:
        ws = text[end : end + 1] == " "
        out.append({"text": text[start:end], "start": start, "end": end, "id": len(out), "ws": ws})

    for start, end in offsets:
        gap_start = pos
        if out and out[-1]["ws"]:
            gap_start += 1
        if start > gap_start:
            token(gap_start, start)
        token(start, end)
        pos = end
    tail = pos + (1 if out and out[-1]["ws"] else 0)
    if tail < len(text):
        token(tail, len(text))
    return out


def _epoch(stamp: str | None) -> int:
    if not stamp:
        return 0
    try:
        return int(datetime.fromisoformat(stamp).timestamp())
    except ValueError:
        return 0


def prodigy_tasks(articles: list[dict[str, Any]], tokens: dict[str, list[list[int]]]) -> list[dict[str, Any]]:
    """Export records (with ``tokens`` by article id) as Prodigy tasks."""
    tasks = []
    for art in articles:
        toks = _tokens(art["text"], tokens.get(art["id"]) or [])
        starts = {t["start"]: t["id"] for t in toks}
        ends = {t["end"]: t["id"] for t in toks}
        spans = []
        for ent in art["entities"]:
            span = {"start": ent["start"], "end": ent["end"], "label": ent["label"]}
            if ent["start"] in starts and ent["end"] in ends:
                span["token_start"], span["token_end"] = starts[ent["start"]], ends[ent["end"]]
            spans.append(span)
        review = art["review"]
        reviewers = review.get("reviewers") or []
        input_hash = _hash(art["text"])
        tasks.append(
            {
                "text": art["text"],
                "meta": {"id": art["id"], "title": art["title"], "source": art["source"]},
                "tokens": toks,
                "spans": spans,
                "answer": "accept" if review["status"] == "done" else "ignore",
                "_input_hash": input_hash,
                "_task_hash": _hash(input_hash, [(s["start"], s["end"], s["label"]) for s in spans]),
                "_annotator_id": "+".join(reviewers) or "newsreview",
                "_session_id": "+".join(reviewers) or "newsreview",
                "_timestamp": _epoch(review.get("updated_at")),
                "_view_id": "ner_manual",
            }
        )
    return tasks


def docbin_bytes(articles: list[dict[str, Any]], tokens: dict[str, list[list[int]]]) -> bytes:
    """The export records as a spaCy DocBin (``.spacy``)."""
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    vocab = spacy.blank("xx").vocab
    docs = DocBin(store_user_data=True)
    for art in articles:
        text = art["text"]
        offsets = tokens.get(art["id"]) or []
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        # every character is in a token or in the whitespace after one: spaCy's Doc needs both
        for start, end in offsets:
            if start > pos:  # text between tokens that is not a single space becomes its own token
                gap = text[pos:start]
                if gap != " " or not words:
                    if words and spaces[-1] and gap.startswith(" "):
                        gap = gap[1:]
                    if gap:
                        words.append(gap)
                        spaces.append(False)
            words.append(text[start:end])
            spaces.append(text[end : end + 1] == " ")
            pos = end + (1 if spaces[-1] else 0)
        if pos < len(text):
            words.append(text[pos:])
            spaces.append(False)
        doc = Doc(vocab, words=words, spaces=spaces)
        if doc.text != text:  # could not rebuild it on the stored tokens: let spaCy tokenise
            doc = spacy.blank("xx")(text)
        ents = []
        for ent in art["entities"]:
            span = doc.char_span(ent["start"], ent["end"], label=ent["label"], alignment_mode="expand")
            if span is not None:
                ents.append(span)
        doc.set_ents(spacy.util.filter_spans(ents))
        claims = []
        details = []
        for claim in art["claims"]:
            span = doc.char_span(claim["start"], claim["end"], label=claim["quote_type"], alignment_mode="expand")
            if span is None:
                continue
            claims.append(span)
            details.append(
                {k: claim.get(k) for k in ("id", "start", "end", "speaker", "cue", "checkworthiness", "status")}
            )
        doc.spans["claims"] = [Span(doc, s.start, s.end, label=s.label_) for s in claims]
        doc.user_data["newsreview_claims"] = details
        doc.user_data["newsreview_article"] = {"id": art["id"], "title": art["title"]}
        docs.add(doc)
    return bytes(docs.to_bytes())


def prodigy_decisions(meta: dict[str, Any]) -> tuple[str, str] | None:
    """(annotator, answer) of an article loaded from a Prodigy task, if it carried an answer."""
    answer = meta.get("answer")
    if answer not in ("accept", "reject"):
        return None
    annotator = meta.get("_annotator_id") or meta.get("_session_id") or "prodigy"
    return str(annotator), str(answer)
