"""What the store knows about an article's entities, as partial annotation for training the NER.

The analysts' decisions say three kinds of things about an article's text:

- **entities** — accepted, edited and added entities whose label is in the label set: teach these;
- **negatives** — exact spans known *not* to be an entity of that label (a rejected candidate; the
  span and label an edit replaced): spaCy's NER is told not to predict exactly that
  (``incorrect_spans_key``), and nothing else about those tokens;
- **outside** — once every candidate of an article whose label is in the set has been decided, the
  article is *complete*: an analyst went through it and added what the machine missed, so text outside
  its entities holds no entity of the set. It still may hold entities of labels outside the set (a
  date nobody reviewed), so wherever a candidate with such a label lies (pending or decided) the
  tokens stay **unknown**; everything else in a complete article is "O". The desk memory's proposals
  still pending are suggestions, not the article's candidates: they leave an article complete (as the
  export counts it done), their tokens unknown.

Everything else — incomplete articles' text around their decisions, pending candidates, labels outside
the set — is *missing* for spaCy: neither entity nor "O". Labels outside the set are never negatives.

Missing alone does not keep what nobody reviewed, though: trained on 253 CoNLL articles with dates
and numbers left missing, the model stopped predicting any DATE or CARDINAL at all (the NER's own
embedding layers drift towards the reviewed labels, and nothing holds the others in place). So the
base model's own entities of labels outside the set are taught as they are (**kept**, see
:func:`keep_base`: spaCy calls this rehearsal), except where an analyst rejected exactly that or a
reviewed entity lies: the fine-tuned model predicts dates where the base one did, and learns only the
reviewed labels.

The label set is the store's (given by the caller) or, by default, the labels of the entities the
analysts kept (accepted, edited, added). An article with no entity decision at all is left out. Pure
Python: no spaCy here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from extractors.vocabulary import DECIDED, REVIEWED

#: the default share of complete articles kept out of training and scored afterwards
HELD_OUT = 0.15
#: below this many complete articles nothing is held out
MIN_FOR_HELD_OUT = 5


class Span(NamedTuple):
    start: int
    end: int
    label: str


class StoreReader(Protocol):
    """The part of :class:`tui.store.ReviewStore` training reads."""

    def article_ids(self) -> list[str]: ...

    def article(self, article_id: str) -> dict[str, Any]: ...

    def candidates(self, article_id: str, kind: str | None = None) -> list[dict[str, Any]]: ...


@dataclass
class ArticleAnnotation:
    article_id: str
    text: str
    #: every entity candidate with a label in the set is decided (and at least one entity decision)
    complete: bool
    entities: list[Span] = field(default_factory=list)
    negatives: list[Span] = field(default_factory=list)
    #: character ranges that stay unknown in a complete article (labels outside the set, pending)
    unknown: list[tuple[int, int]] = field(default_factory=list)
    #: pending candidates with labels outside the set: the extraction model's own entities
    others: list[Span] = field(default_factory=list)
    #: spans with labels outside the set an analyst rejected (or edited away): never kept
    vetoed: list[Span] = field(default_factory=list)
    #: the base model's entities with labels outside the set, taught as they are (see keep_base)
    kept: list[Span] = field(default_factory=list)
    #: entity decisions behind this annotation
    decided: int = 0
    #: kept entities that overlapped a longer kept entity (spaCy's NER has no nested entities)
    overlapping: int = 0

    @property
    def usable(self) -> bool:
        return self.decided > 0


def store_labels(store: StoreReader) -> set[str]:
    """The labels of every entity candidate in the store, decided or not: what --labels may name (a
    label with no decision yet still says a fully reviewed article holds none of it)."""
    labels: set[str] = set()
    for aid in store.article_ids():
        labels.update(c["label"] for c in store.candidates(aid, "entity"))
    return labels


def default_labels(store: StoreReader) -> set[str]:
    """The labels the analysts kept somewhere in the store (accepted, edited or added entities) — of
    the store's label set, when it has one (QA: labels the desk hides were taught, their rejections
    made negatives)."""
    labels: set[str] = set()
    for aid in store.article_ids():
        labels.update(c["label"] for c in store.candidates(aid, "entity") if c["status"] in REVIEWED)
    shown = getattr(store, "labels", None)
    return labels & set(shown) if isinstance(shown, list) else labels


def annotate(article_id: str, text: str, candidates: Iterable[dict[str, Any]], labels: set[str]) -> ArticleAnnotation:
    """The partial annotation one article's entity candidates (as the store gives them) amount to."""
    kept: list[Span] = []
    negatives: list[Span] = []
    unknown: list[tuple[int, int]] = []
    others: list[Span] = []
    vetoed: list[Span] = []
    pending_in_set = False
    decided = 0
    for cand in candidates:
        if cand.get("kind", "entity") != "entity":
            continue
        span = Span(cand["start"], cand["end"], cand["label"])
        status = cand["status"]
        if status not in DECIDED:  # pending, or disputed between reviewers: nothing settled yet
            unknown.append((span.start, span.end))
            if cand.get("origin") == "memory":
                # the desk memory's proposal still pending: a suggestion, no candidate of the article's
                # (the export and the queue count an article done without them; QA: train said "0 fully
                # reviewed" of 11 done articles and gave no held-out figure); its tokens stay unknown
                continue
            pending_in_set = pending_in_set or span.label in labels
            if span.label not in labels:
                others.append(span)
            continue
        decided += 1
        if status in REVIEWED and span.label in labels:
            kept.append(span)
        elif status == "rejected" and span.label in labels:
            negatives.append(span)
        else:
            unknown.append((span.start, span.end))
            if status == "rejected":
                vetoed.append(span)
        original = cand.get("original") or {}
        if original:
            before = Span(
                original.get("start", span.start), original.get("end", span.end), original.get("label", span.label)
            )
            if before != span:
                (negatives if before.label in labels else vetoed).append(before)
    entities, overlapping = _without_overlaps(kept)
    for ent in kept:
        if ent not in entities:
            unknown.append((ent.start, ent.end))  # its tokens beyond the entity that won stay unknown
    # a negative that overlaps a taught entity says nothing more (entities cannot overlap), and
    # spaCy's oracle can fail on it (E024: "ATHLETICS - HARRISON" rejected as ORG around the PERSON
    # "HARRISON"): only negatives clear of every entity are taught
    negatives = sorted({n for n in negatives if not any(n.start < e.end and e.start < n.end for e in entities)})
    return ArticleAnnotation(
        article_id=article_id,
        text=text,
        complete=decided > 0 and not pending_in_set,
        entities=entities,
        negatives=negatives,
        unknown=sorted(unknown),
        others=sorted(others),
        vetoed=sorted(set(vetoed)),
        decided=decided,
        overlapping=overlapping,
    )


def keep_base(ann: ArticleAnnotation, predictions: Iterable[Span], labels: set[str]) -> None:
    """Teach the base model's entities whose label is outside the set as they are (``ann.kept``),
    unless an analyst rejected exactly that span and label, or a reviewed entity overlaps it."""
    vetoed = set(ann.vetoed)
    keep = [
        p
        for p in predictions
        if p.label not in labels
        and p not in vetoed
        and not any(p.start < e.end and e.start < p.end for e in ann.entities)
    ]
    ann.kept, _ = _without_overlaps(keep)


def _without_overlaps(spans: list[Span]) -> tuple[list[Span], int]:
    """Longest first, then earliest: a span overlapping one already kept is dropped."""
    kept: list[Span] = []
    dropped = 0
    for span in sorted(set(spans), key=lambda s: (s.start - s.end, s.start, s.label)):
        if any(span.start < k.end and k.start < span.end for k in kept):
            dropped += 1
        else:
            kept.append(span)
    return sorted(kept), dropped


def store_annotations(store: StoreReader, labels: set[str]) -> list[ArticleAnnotation]:
    """Every article of the store with at least one entity decision, in store order."""
    out = []
    for aid in store.article_ids():
        cands = store.candidates(aid, "entity")
        if not any(c["status"] in DECIDED for c in cands):
            continue
        out.append(annotate(aid, store.article(aid)["text"], cands, labels))
    return out


def held_out_key(article_id: str) -> float:
    """A stable number in [0, 1) for an article: its place in the held-out draw, the same on every run."""
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12], 16) / float(1 << 48)


def split(
    annotations: list[ArticleAnnotation], fraction: float = HELD_OUT
) -> tuple[list[ArticleAnnotation], list[ArticleAnnotation]]:
    """(train, held out). Only complete articles are held out: those whose key is below ``fraction``,
    and only once there are :data:`MIN_FOR_HELD_OUT` complete articles (a tiny store needs them all
    for training). An article keeps its side as the store grows, so a model trained from an earlier
    one (``--base``) does not see its held-out articles; if the slice is empty, the article with the
    lowest key is held out (it is in the slice whenever any article is). A base trained before the
    store had a slice learnt its articles all the same: the run leaves those a base's meta lists
    (``trained_articles``) out of the slice."""
    complete = [a for a in annotations if a.complete]
    if fraction <= 0 or len(complete) < MIN_FOR_HELD_OUT:
        return list(annotations), []
    held = {a.article_id for a in complete if held_out_key(a.article_id) < fraction}
    if not held:
        held = {min(complete, key=lambda a: held_out_key(a.article_id)).article_id}
    return [a for a in annotations if a.article_id not in held], [a for a in annotations if a.article_id in held]
