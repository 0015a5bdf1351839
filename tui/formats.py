"""Formats other tools read: Prodigy's ``db-out`` JSONL and spaCy's ``DocBin``.

Offsets are never changed: every span either format writes has the stored ``start``/``end`` (Python
str indices into the article text). Both formats tokenise an article on its stored tokens, split
wherever an exported span starts or ends inside one (``"Zoë"`` with an entity ``"oë"`` becomes
``"Z"`` + ``"oë"``), so every span boundary is a token boundary and the tokens rebuild the text
exactly.

Only the reviewed result is written as positive annotation: entities whose status is ``accepted``,
``edited`` or ``added``. Entities exported with another status (``--include rejected,disputed,pending``)
are kept visible, apart from the positives:

- :func:`prodigy_tasks` turns export records into Prodigy tasks as ``prodigy db-out`` writes them for
  ``ner.manual``: ``text``, ``tokens`` (``text``, ``start``, ``end``, ``id``, ``ws``), ``spans``
  (``start``, ``end``, ``label``, ``token_start``, ``token_end`` — inclusive, as Prodigy counts),
  ``answer``, ``_input_hash`` / ``_task_hash``, ``_annotator_id``, ``_timestamp``, ``_view_id``,
  ``meta``. One task per article: the reviewed entities are its spans; ``answer`` is ``accept`` once
  the article's entities are all decided (``review.entity_status``: its claims are no part of a
  ner.manual task), else ``ignore`` (Prodigy's answer for "not decided"). Entities with
  another status are not spans (a task's spans are what its annotator accepted): they are listed in
  the task's ``meta`` as ``rejected_spans``, ``disputed_spans`` and ``pending_spans`` (same fields as
  ``spans``; a key only when it has any). The meta also holds the article's ``id``, ``title``,
  ``source``, ``url`` and ``published`` and its own meta (``article_meta``): ``add`` reads them back.
- :func:`docbin_bytes` writes a ``.spacy`` DocBin: each article a Doc on its own tokens (``doc.text``
  is the article text). Span groups and entities:

  - ``doc.spans["newsreview"]`` — every reviewed entity, overlapping ones included;
  - ``doc.ents`` — the largest non-overlapping subset of those (:func:`spacy.util.filter_spans`:
    longer spans first, then the earlier one); how many were left out of ``doc.ents`` is reported
    through ``notes``. The other tokens are "O" (no entity) where a reviewer said so — a rejected
    span the export holds (``--include rejected``), and all of an article whose entities are all
    decided (``review.entity_status``) — and missing (unknown) elsewhere, as ``newsreview train``
    reads a review;
  - ``doc.spans["newsreview_rejected"]``, ``["newsreview_disputed"]``, ``["newsreview_pending"]`` —
    the exported entities with that status (never in ``doc.ents``; each key always present);
  - ``doc.user_data["newsreview_entities"]`` — per span group above, a list parallel to its spans of
    ``{"id", "status"}``;
  - ``doc.spans["claims"]`` — the claims (labelled by quote type; speaker, cue, numbers, hedges,
    check-worthiness (the desk's too) and status in ``doc.user_data["newsreview_claims"]``, parallel
    to the group).

  Imports spaCy (only this).
- :func:`prodigy_decisions` reads Prodigy answers back: for tasks ``add`` loaded, the decisions their
  annotators made, recorded under the annotator's name.

Hashes follow Prodigy's idea (the input hash identifies the text, the task hash the text plus its
spans) as stable signed 32-bit integers; they are not Prodigy's murmurhash values.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

from extractors.records import text_sha
from extractors.vocabulary import REVIEWED

#: what ``doc.user_data["newsreview_claims"]`` holds of each claim (the JSON export's fields; QA,
#: stop 46: its numbers, hedges and the desk's score were left out though user_data holds them)
CLAIM_DETAILS = (
    "id",
    "start",
    "end",
    "quote_type",
    "speaker",
    "cue",
    "numbers",
    "hedges",
    "checkworthiness",
    "desk_checkworthiness",
    "status",
)

#: the DocBin's span group of the reviewed entities (all of them: ``doc.ents`` cannot overlap)
SPANS_KEY = "newsreview"
#: the statuses exported apart from the reviewed entities, in the order their groups are written
OTHER_STATUSES = ("rejected", "disputed", "pending")


def _group(status: str) -> str | None:
    """The DocBin span group of an entity with this status (None: a status no export produces)."""
    if status in REVIEWED:
        return SPANS_KEY
    if status in OTHER_STATUSES:
        return f"{SPANS_KEY}_{status}"
    return None


def _hash(*parts: Any) -> int:
    digest = hashlib.sha1(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _boundaries(spans: Iterable[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """The starts and the ends of these spans."""
    starts: set[int] = set()
    ends: set[int] = set()
    for span in spans:
        starts.add(span["start"])
        ends.add(span["end"])
    return starts, ends


def _pieces(text: str, offsets: list[list[int]], starts: set[int], ends: set[int]) -> list[tuple[int, int, bool]]:
    """Tokens covering the whole text, as (start, end, ws): the stored tokens, split at every position
    in ``starts`` / ``ends`` that falls inside one, and any other text between them (a newline, a
    second space) as tokens of their own, as spaCy makes them. ``ws``: the token is followed by a single
    space that belongs to no token — unless a span starts on that space or ends right after it, when
    the space is a token of its own. Joining each token's text (plus a space where ``ws``) gives
    ``text`` back, and every position in ``starts`` / ``ends`` (within the text) is a token boundary."""
    n = len(text)
    cuts = sorted(c for c in starts | ends if 0 < c < n)
    out: list[tuple[int, int, bool]] = []

    def split(a: int, b: int) -> None:
        i = bisect_right(cuts, a)
        while i < len(cuts) and cuts[i] < b:
            out.append((a, cuts[i], False))
            a = cuts[i]
            i += 1
        out.append((a, b, False))

    def gap(a: int, b: int) -> None:
        if out and text[a] == " " and a not in starts and a + 1 not in ends:
            out[-1] = (out[-1][0], out[-1][1], True)
            a += 1
        if a < b:
            split(a, b)

    pos = 0
    for token in offsets:
        start, end = int(token[0]), int(token[1])
        if not pos <= start < end <= n:  # overlapping or outside the text: its text is covered as a gap
            continue
        if start > pos:
            gap(pos, start)
        split(start, end)
        pos = end
    if pos < n:
        gap(pos, n)
    return out


def _tokens(pieces: list[tuple[int, int, bool]], text: str) -> list[dict[str, Any]]:
    """Prodigy tokens for these pieces."""
    return [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": ws} for i, (s, e, ws) in enumerate(pieces)]


def _epoch(stamp: str | None) -> int:
    if not stamp:
        return 0
    try:
        return int(datetime.fromisoformat(stamp).timestamp())
    except ValueError:
        return 0


def _no_overlaps(spans: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the largest set of non-overlapping spans, in text order, chosen as
    :func:`spacy.util.filter_spans` chooses ``doc.ents`` in the DocBin: the most tokens first, then the
    earlier start — QA: counted in characters, the two formats kept different entities; the spans left
    out)."""

    def size(s: dict[str, Any]) -> int:
        if "token_start" in s and "token_end" in s:
            return int(s["token_end"]) - int(s["token_start"]) + 1
        return int(s["end"]) - int(s["start"])

    kept: list[dict[str, Any]] = []  # in text order, never overlapping: a neighbour check is enough
    starts: list[int] = []
    left: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda s: (-size(s), s["start"])):
        at = bisect_left(starts, span["start"])
        clash = (at < len(kept) and kept[at]["start"] < span["end"]) or (at > 0 and kept[at - 1]["end"] > span["start"])
        if clash:
            left.append(span)
        else:
            kept.insert(at, span)
            starts.insert(at, span["start"])
    return kept, sorted(left, key=lambda s: (s["start"], s["end"]))


def prodigy_tasks(
    articles: list[dict[str, Any]],
    tokens: dict[str, list[list[int]]],
    *,
    notes: list[str] | None = None,
    annotator: str | None = None,
    labels: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Export records (with ``tokens`` by article id) as Prodigy tasks: the reviewed entities as
    ``spans``, the others as ``meta["<status>_spans"]``. ner.manual spans cannot overlap: reviewed
    entities that overlap others are ``meta["overlapping_spans"]`` instead (said in ``notes``).
    ``annotator``: the reviewer whose own view the records are (else the task names every reviewer of
    the article). ``labels``: the store's label set, if the review saw only those (``meta["labels"]``:
    an accepted task says nothing of entities with other labels — read back, they are not rejected)."""
    tasks = []
    overlapping = overlapping_articles = 0
    for art in articles:
        starts, ends = _boundaries(art["entities"])
        toks = _tokens(_pieces(art["text"], tokens.get(art["id"]) or [], starts, ends), art["text"])
        start_of = {t["start"]: t["id"] for t in toks}
        end_of = {t["end"]: t["id"] for t in toks}
        spans: list[dict[str, Any]] = []
        others: dict[str, list[dict[str, Any]]] = {status: [] for status in OTHER_STATUSES}
        for ent in art["entities"]:
            span = {"start": ent["start"], "end": ent["end"], "label": ent["label"]}
            if ent["start"] in start_of and ent["end"] in end_of:
                span["token_start"], span["token_end"] = start_of[ent["start"]], end_of[ent["end"]]
            if ent["status"] in REVIEWED:
                spans.append(span)
            else:  # rejected, disputed, pending: not something the annotator accepted
                others.setdefault(ent["status"], []).append(span)
        spans, overlaps = _no_overlaps(spans)
        meta: dict[str, Any] = {
            "id": art["id"],
            "title": art["title"],
            "source": art["source"],
            "exported_by": "newsreview",
            "text_sha": text_sha(art["text"]),  # (a sentence Prodigy splits off the text keeps the meta)
        }
        # read back by `add` (QA: a round trip lost them): the article's other fields, and its own meta
        meta.update({key: art[key] for key in ("url", "published") if art.get(key)})
        if art.get("meta"):
            meta["article_meta"] = art["meta"]
        if labels is not None:
            meta["labels"] = list(labels)
        if overlaps:
            meta["overlapping_spans"] = overlaps
            overlapping += len(overlaps)
            overlapping_articles += 1
        for status, listed in others.items():
            if listed:
                meta[f"{status}_spans"] = listed
        review = art["review"]
        reviewers = [annotator] if annotator else review.get("reviewers") or []
        input_hash = _hash(art["text"])
        tasks.append(
            {
                "text": art["text"],
                "meta": meta,
                "tokens": toks,
                "spans": spans,
                "answer": "accept" if review.get("entity_status", review["status"]) == "done" else "ignore",
                "_input_hash": input_hash,
                "_task_hash": _hash(input_hash, [(s["start"], s["end"], s["label"]) for s in spans]),
                "_annotator_id": "+".join(reviewers) or "newsreview",
                "_session_id": "+".join(reviewers) or "newsreview",
                "_timestamp": _epoch(review.get("updated_at")),
                "_view_id": "ner_manual",
            }
        )
    if overlapping and notes is not None:
        notes.append(
            f"{overlapping} reviewed entit{'y' if overlapping == 1 else 'ies'} in {overlapping_articles} "
            "article(s) overlap others: ner.manual spans cannot overlap, so they are in "
            'meta["overlapping_spans"], not in spans'
        )
    return tasks


def _span(doc: Any, article_id: str, item: dict[str, Any], label: str, what: str, notes: list[str] | None) -> Any:
    """The spaCy Span at exactly ``item``'s offsets (strict: never widened), or None, said in ``notes``."""
    made = doc.char_span(item["start"], item["end"], label=label)
    if made is None and notes is not None:
        notes.append(
            f"article {article_id}: {what} at {item['start']}..{item['end']} is not a span of its text "
            f"(length {len(doc.text)}); left out of the .spacy file"
        )
    return made


def docbin_bytes(
    articles: list[dict[str, Any]],
    tokens: dict[str, list[list[int]]],
    *,
    notes: list[str] | None = None,
    unknown: dict[str, list[tuple[int, int]]] | None = None,
) -> bytes:
    """The export records as a spaCy DocBin (``.spacy``), laid out as the module says. ``notes``, if
    given, gets one line per thing a reader should know: how many reviewed entities are in
    ``doc.spans["newsreview"]`` but not in ``doc.ents`` (they overlap others), and any span that could
    not be made (offsets outside the text) — nothing is left out silently. ``unknown``: by article,
    spans nobody decided that the records do not hold (entities of labels outside the store's label
    set): missing, never "O", whatever the article's status."""
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    vocab = spacy.blank("xx").vocab
    docs = DocBin(store_user_data=True)
    overlapping = 0
    overlapping_articles = 0
    groups = [SPANS_KEY, *(f"{SPANS_KEY}_{status}" for status in OTHER_STATUSES)]
    for art in articles:
        text = art["text"]
        starts, ends = _boundaries([*art["entities"], *art["claims"]])
        pieces = _pieces(text, tokens.get(art["id"]) or [], starts, ends)
        doc = Doc(vocab, words=[text[s:e] for s, e, _ in pieces], spaces=[ws for _, _, ws in pieces])
        if doc.text != text:  # cannot happen (_pieces covers the text); never write shifted offsets
            raise ValueError(f"article {art['id']}: its tokens do not rebuild its text")

        grouped: dict[str, list[Span]] = {key: [] for key in groups}
        details: dict[str, list[dict[str, Any]]] = {key: [] for key in groups}
        for ent in art["entities"]:
            key = _group(ent["status"])
            if key is None:  # no export gives another status; should one, it is named, not dropped unseen
                if notes is not None:
                    notes.append(
                        f"article {art['id']}: entity {ent.get('id')} has status '{ent['status']}'; "
                        "left out of the .spacy file"
                    )
                continue
            made = _span(doc, art["id"], ent, ent["label"], f"{ent['status']} entity {ent['label']}", notes)
            if made is None:
                continue
            grouped[key].append(made)
            details[key].append({"id": ent.get("id"), "status": ent["status"]})
        reviewed = grouped[SPANS_KEY]
        ents = spacy.util.filter_spans(reviewed)
        # QA: every token outside a reviewed entity was "O", pending entities included: `spacy train`
        # on the file learnt that what nobody had decided yet is no entity. As `newsreview train` reads
        # a review: rejected spans are "O"; the rest is "O" once the article's entities are all
        # decided, else missing (unknown)
        taken = {i for span in ents for i in range(span.start, span.end)}
        no = [s for s in grouped[f"{SPANS_KEY}_rejected"] if not taken & set(range(s.start, s.end))]
        taken |= {i for span in no for i in range(span.start, span.end)}
        found = [doc.char_span(a, b, alignment_mode="expand") for a, b in (unknown or {}).get(art["id"], [])]
        maybe = [s for s in found if s is not None and not taken & set(range(s.start, s.end))]
        review = art.get("review") or {}
        done = review.get("entity_status", review.get("status")) == "done"
        doc.set_ents(
            ents,
            outside=spacy.util.filter_spans(no),
            missing=spacy.util.filter_spans(maybe),
            default="outside" if done else "missing",
        )
        if len(ents) < len(reviewed):
            overlapping += len(reviewed) - len(ents)
            overlapping_articles += 1
        for key in groups:
            doc.spans[key] = grouped[key]
        doc.user_data["newsreview_entities"] = details
        claims = []
        claim_details = []
        for claim in art["claims"]:
            made = _span(doc, art["id"], claim, claim["quote_type"], f"claim {claim.get('id')}", notes)
            if made is None:
                continue
            claims.append(made)
            claim_details.append({k: claim.get(k) for k in CLAIM_DETAILS})
        doc.spans["claims"] = claims
        doc.user_data["newsreview_claims"] = claim_details
        doc.user_data["newsreview_article"] = {"id": art["id"], "title": art["title"]}
        docs.add(doc)
    if overlapping and notes is not None:
        notes.append(
            f"{overlapping} reviewed entit{'y' if overlapping == 1 else 'ies'} in {overlapping_articles} "
            f"article(s) overlap others: in doc.spans[{SPANS_KEY!r}] but not in doc.ents"
        )
    return bytes(docs.to_bytes())


def prodigy_decisions(task: dict[str, Any] | None) -> tuple[str, str, str] | None:
    """(annotator, answer, "manual" or "binary") of a Prodigy task (``Article.task``) that carries an
    entity answer; None for an article that is no task, an ``ignore``, an answer that is no answer,
    or a view that holds no entity decisions (a classification, a choice)."""
    if task is None or task.get("answer") not in ("accept", "reject") or task.get("kind") is None:
        return None
    return str(task["annotator"]), str(task["answer"]), str(task["kind"])
