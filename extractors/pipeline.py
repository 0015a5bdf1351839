"""The one extraction path: articles -> spaCy -> entity and claim candidates.

``newsreview add``, ``newsreview extract``, the app and the evaluation scripts all go through
:class:`Extractor`, so what is measured is what ships. Claims are computed by a pipeline component
(``extractors.components``) inside ``nlp.pipe``, so ``--jobs N`` (spaCy ``n_process``) parallelises
them too. spaCy is imported when a pipeline is loaded, not with this module.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .groups import bare_name
from .nlp import load_model, model_label, resolve_model
from .records import (
    Article,
    ClaimRecord,
    EntityRecord,
    FoundClaim,
    SpanRef,
    Speaker,
    check_offsets,
    claim_candidate,
    entity_candidate,
    span,
    token_ranger,
)
from .vocabulary import SPEAKER_LABELS
from .wrapping import unbroken, unwrapped

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: the names of newsreview's components in a pipeline (``extractors.components``)
COMPONENT = "newsreview_claims"
PARAGRAPHS = "newsreview_paragraphs"
#: a text longer than this is parsed in pieces of about :data:`PIECE` characters (see :func:`pieces`),
#: and the pieces joined into one Doc before the claims are found: spaCy's parser and NER take about
#: 1 GB of memory per 100,000 characters of one Doc (QA: adding a 990,000-character article peaked at
#: 3.3 GB); the claims component still reads the whole article
LONG_TEXT = 60_000
PIECE = 50_000
#: a short text every pipeline is run on once, to see what it sets on a Doc
PROBE = "Ben Wallace, the UK defence secretary, said on Tuesday that Russia had lost 100,000 troops.\nIran denied it."


@dataclass
class Extraction:
    article: Article
    entities: list[EntityRecord]
    claims: list[ClaimRecord]
    tokens: list[tuple[int, int]]  # (start, end) char offsets of every token, for snapping edits
    warnings: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.article.text.split())


@dataclass(frozen=True)
class Capabilities:
    """What a pipeline sets on a Doc, as its components declare it (``assigns``, what
    ``nlp.analyze_pipes()`` reports) or as a run on a probe text shows it — an ``entity_ruler`` or a
    custom component sets ``doc.ents`` as well as a component named "ner" does."""

    entities: bool  # doc.ents
    parse: bool  # token.dep and token.head: attributed claims
    sentences: bool  # sentence boundaries: check-worthy statements

    @classmethod
    def of(cls, nlp: Language) -> Capabilities:
        assigned = {attr for name in nlp.pipe_names for attr in nlp.get_pipe_meta(name).assigns}
        doc = nlp(PROBE)
        parse = {"token.dep", "token.head"} <= assigned or doc.has_annotation("DEP")
        return cls(
            entities="doc.ents" in assigned or doc.has_annotation("ENT_IOB"),
            parse=parse,
            sentences=parse or bool({"token.is_sent_start", "doc.sents"} & assigned),
        )


class Extractor:
    """Loads a spaCy pipeline once and turns articles into candidates."""

    def __init__(self, model: str | None = None):
        self.model_name = resolve_model(model)
        self._nlp: Language | None = None
        self.label = ""
        self.warnings: list[str] = []

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = self._build(load_model(self.model_name))
        return self._nlp

    def _build(self, nlp: Language) -> Language:
        """Add newsreview's components to the pipeline, if it does not have them yet (one saved with
        ``nlp.to_disk()`` after this does), and note what it cannot give."""
        from .claims.models import ClaimModels
        from .components import CLAIMS, PARAGRAPHS

        self.label = model_label(nlp)
        can = Capabilities.of(nlp)
        if not can.entities:
            self.warnings.append(f"no component of model '{self.model_name}' sets entities: no entity candidates")
        if not can.parse:
            what = "check-worthy statements only" if can.sentences else "no claim candidates"
            self.warnings.append(f"model '{self.model_name}' has no dependency parser: {what}")
        if not can.sentences or CLAIMS in nlp.pipe_names:
            return nlp
        if PARAGRAPHS not in nlp.pipe_names:
            _add_paragraphs(nlp, PARAGRAPHS)
        # a model from `newsreview train` fine-tunes only the NER: its Doc.tensor is that of the model
        # its meta names (the train branch reads the same key)
        tensor_model = str(nlp.meta.get("newsreview", {}).get("tensor_model", self.label))
        contextual = ClaimModels.shipped().uses_tensor(tensor_model)
        nlp.add_pipe(CLAIMS, last=True, config={"contextual": contextual})
        return nlp

    def load(self) -> Extractor:
        _ = self.nlp
        return self

    def extract(self, articles: Iterable[Article], *, jobs: int = 1, batch_size: int = 16) -> Iterator[Extraction]:
        nlp = self.nlp
        # hard-wrapped text is read with its wraps as spaces (the same offsets): see ``wrapping``
        # (a long article goes through the pipe as an empty text, to keep its place, and is parsed here)
        pairs = (("" if len(a.text) > LONG_TEXT else unwrapped(a.text), a) for a in articles)
        kwargs: dict[str, Any] = {"batch_size": batch_size, "as_tuples": True}
        if jobs and jobs > 1:
            kwargs["n_process"] = jobs
        for doc, article in nlp.pipe(pairs, **kwargs):
            if len(article.text) > LONG_TEXT:
                doc = self._in_pieces(unwrapped(article.text))
            yield self.candidates(doc, article)

    def _in_pieces(self, text: str) -> Doc:
        """One Doc of ``text`` parsed piece by piece (see :data:`LONG_TEXT`), the claims found on the
        whole: the same text, tokens, tensor, sentences, parse and entities a Doc of it has, but for
        what spaCy's models read across the cuts (a few tokens of context at a line end)."""
        from spacy.tokens import Doc

        from .components import CLAIMS

        nlp = self.nlp
        ours = [CLAIMS] if CLAIMS in nlp.pipe_names else []
        # one piece at a time (a batch of them takes the memory of one Doc of them all)
        parsed = list(nlp.pipe(pieces(text, PIECE), disable=ours, batch_size=1))
        doc = Doc.from_docs(parsed, ensure_whitespace=False)
        for name in ours:
            doc = nlp.get_pipe(name)(doc)
        return doc

    def extract_one(self, article: Article) -> Extraction:
        return next(self.extract([article]))

    def candidates(self, doc: Doc, article: Article) -> Extraction:
        from spacy.attrs import IDX, IS_SPACE, LENGTH  # (no stubs)

        text = article.text
        # read from Doc.to_array: a Token object per word was most of the cost of this method
        tokens = [(i, i + n) for i, n, space in doc.to_array([IDX, LENGTH, IS_SPACE]).tolist() if not space]
        # a hard-wrapped text was parsed with its wraps as spaces: the Doc then lacks the line-break
        # tokens the text itself gives spaCy, so token indices are counted on the text as stored
        ranger = token_ranger(text, tokens) if doc.text != text else None
        entities = []
        for ts, te, s, e, label in _entity_spans(doc):
            first, last = ranger(s, e) if ranger is not None else (ts, te)
            entities.append(
                entity_candidate(text, article.id, s, e, label, token_start=first, token_end=last, model=self.label)
            )
        by_id = {e["id"]: e for e in entities}
        for sp in article.imported_spans:
            tok = doc.char_span(sp["start"], sp["end"], alignment_mode="expand")
            first, last = (tok.start, tok.end) if tok is not None else (None, None)
            if ranger is not None:
                first, last = ranger(sp["start"], sp["end"])
            cand = entity_candidate(
                text,
                article.id,
                sp["start"],
                sp["end"],
                sp["label"],
                token_start=first,
                token_end=last,
                origin="imported",
                model=None,
            )
            by_id[cand["id"]] = cand  # an imported span wins over the same model span
        entities = sorted(by_id.values(), key=lambda e: (e["start"], e["end"], e["label"]))
        speakers = _Speakers(entities)
        found: list[FoundClaim] = (doc._.newsreview_claims if doc.has_extension("newsreview_claims") else None) or []
        claims = list({c["id"]: c for c in (self._claim(text, article.id, raw, speakers) for raw in found)}.values())
        for record in [*entities, *claims]:
            check_offsets(text, record)
        return Extraction(article, entities, claims, tokens, list(self.warnings))

    def _claim(self, text: str, article_id: str, raw: FoundClaim, speakers: _Speakers) -> ClaimRecord:
        speaker: Speaker | None = None
        found = raw["speaker"]
        if found:
            ref = span(text, found["start"], found["end"])
            speaker = {"start": ref["start"], "end": ref["end"], "text": ref["text"]}
            # linked only when the attribution code resolved the phrase to the source it names: "The
            # Biden administration" mentions Biden but is not him, so it stays unlinked
            resolved: SpanRef = found.get("resolved") or found
            ent = speakers.best(resolved) if found.get("resolved") else None
            if ent is not None and not (ent["start"] == resolved["start"] and 0 <= ent["end"] - resolved["end"] <= 2):
                # resolved to a phrase, not a name ("who" standing for "the New York businessman"): the
                # phrase names the speaker; an entity inside it is not them (QA, stop 50: New York)
                ent = None
            if ent is not None:
                speaker["entity_id"] = ent["id"]
                # "Donald Trump’s" mentions Donald Trump: the name is without the possessive
                speaker["name"] = bare_name(unbroken(ent["text"]))  # (a wrap in it: one line)
            else:
                speaker["name"] = unbroken(text[resolved["start"] : resolved["end"]])
        cue = raw["cue"]
        return claim_candidate(
            text,
            article_id,
            raw["start"],
            raw["end"],
            speaker=speaker,
            cue=span(text, cue["start"], cue["end"]) if cue else None,
            quote_type=raw.get("quote_type", "none"),
            numbers=[span(text, n["start"], n["end"]) for n in raw.get("numbers", [])],
            hedges=[span(text, h["start"], h["end"]) for h in raw.get("hedges", [])],
            checkworthiness=raw.get("checkworthiness", 0.0),
            model=self.label,
        )


_SPACE = re.compile(r"\s")


def pieces(text: str, size: int) -> list[str]:
    """``text`` cut into pieces that join back into it, of at most ``size`` characters where there is
    a space to cut at: each cut after a blank line where the piece has one in its second half, else
    after a line end, else after a space, else after the next whitespace beyond the size (a word is
    never cut: QA, a 56,000-character run without a space was cut into two tokens)."""
    out: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        half = start + size // 2
        cut = next(
            (
                at + len(mark)
                for mark in ("\n\n", "\n", " ")
                if (at := text.rfind(mark, half, end - len(mark) + 1)) >= 0
            ),
            None,
        )
        if cut is None:
            space = _SPACE.search(text, end)
            cut = space.end() if space else len(text)
        out.append(text[start:cut])
        start = cut
    if start < len(text) or not out:
        out.append(text[start:])
    return out


def _add_paragraphs(nlp: Language, name: str) -> None:
    """The paragraph component goes before the first component that parses (the parser keeps the
    sentence starts it is given), else after the last that splits sentences (a senter would
    overwrite them), else first."""
    metas = [(pipe, set(nlp.get_pipe_meta(pipe).assigns)) for pipe in nlp.pipe_names]
    parser = next((pipe for pipe, assigns in metas if "token.dep" in assigns), None)
    splitters = [pipe for pipe, assigns in metas if {"token.is_sent_start", "doc.sents"} & assigns]
    if parser is not None:
        nlp.add_pipe(name, before=parser)
    elif splitters:
        nlp.add_pipe(name, after=splitters[-1])
    else:
        nlp.add_pipe(name, first=True)


class _Speakers:
    """The speaker-like entities of an article (sorted by start) with, for each, the furthest end up to
    it, so the ones overlapping a mention are found by binary search (imported spans may overlap)."""

    def __init__(self, entities: list[EntityRecord]):
        self.entities = [e for e in entities if e["label"] in SPEAKER_LABELS]
        self.starts = [e["start"] for e in self.entities]
        self.reach = list(itertools.accumulate((e["end"] for e in self.entities), max))

    def best(self, ref: SpanRef) -> EntityRecord | None:
        """The speaker-like entity best matching a mention: contained in it, else overlapping it;
        a person before other labels; the longest wins."""
        s, e = ref["start"], ref["end"]
        lo, hi = bisect_right(self.reach, s), bisect_left(self.starts, e)
        best: tuple[tuple[bool, bool, int], EntityRecord] | None = None
        for ent in self.entities[lo:hi]:
            if ent["end"] <= s:
                continue
            inside = s <= ent["start"] and ent["end"] <= e
            key = (inside, ent["label"] == "PERSON", ent["end"] - ent["start"])
            if best is None or key > best[0]:
                best = (key, ent)
        return best[1] if best else None


def _entity_spans(doc: Doc) -> Iterator[tuple[int, int, int, int, str]]:
    """(token start, token end, char start, char end, label) of the Doc's entities, whitespace tokens
    at their edges left out (QA: a fine-tuned NER tagged "Middle East\n"; the store refuses an entity
    with whitespace at an edge), entities of whitespace only dropped."""
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start == end:
            continue
        if start == ent.start and end == ent.end:
            yield start, end, ent.start_char, ent.end_char, ent.label_
        else:
            last = doc[end - 1]
            yield start, end, doc[start].idx, last.idx + len(last.text), ent.label_
