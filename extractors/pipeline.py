"""The one extraction path: articles -> spaCy -> entity and claim candidates.

``newsreview add``, ``newsreview extract``, the app and the evaluation scripts all go through
:class:`Extractor`, so what is measured is what ships.  Claims are computed by a pipeline component
inside ``nlp.pipe`` so that ``--jobs N`` (spaCy ``n_process``) parallelises them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .nlp import load_model, model_label, resolve_model
from .records import Article, check_offsets, claim_candidate, entity_candidate, span

CLAIMS_KEY = "newsreview_claims"
COMPONENT = "newsreview_claims"
PARAGRAPHS = "newsreview_paragraphs"
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")


@dataclass
class Extraction:
    article: Article
    entities: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    tokens: list[tuple[int, int]]  # (start, end) char offsets of every token, for snapping edits
    warnings: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.article.text.split())


class _ClaimsComponent:
    """The last pipe: claim candidates into ``doc.user_data``. ``contextual`` is decided once, when the
    pipeline is built, from the model the check-worthiness weights were trained with."""

    def __init__(self, contextual: bool):
        self.contextual = contextual

    def __call__(self, doc: Any) -> Any:
        from .claims import find_claims

        doc.user_data[CLAIMS_KEY] = find_claims(doc, self.contextual)
        return doc


def _make_claims_component(nlp: Any, name: str, contextual: bool) -> _ClaimsComponent:
    return _ClaimsComponent(contextual)


def _paragraphs_component(doc: Any) -> Any:
    """A line break ends a sentence: titles and paragraphs without a final period stay apart."""
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].text or ("\n" in doc[i - 1].whitespace_):
            doc[i].is_sent_start = True
    return doc


def _register_components() -> None:
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, default_config={"contextual": False}, func=_make_claims_component)
    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraphs_component)


class Extractor:
    """Loads a spaCy pipeline once and turns articles into candidates."""

    def __init__(self, model: str | None = None):
        self.model_name = resolve_model(model)
        self._nlp: Any = None
        self.label = ""
        self.warnings: list[str] = []

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            nlp = load_model(self.model_name)
            self.label = model_label(nlp)
            self.has_ner = "ner" in nlp.pipe_names
            self.has_parser = "parser" in nlp.pipe_names
            if not self.has_ner:
                self.warnings.append(f"model '{self.model_name}' has no NER component: no entity candidates")
            if self.has_parser:
                _register_components()
                nlp.add_pipe(PARAGRAPHS, before="parser")
                from .claims.checkworthy import uses_tensor

                # `newsreview train` fine-tunes only the NER: Doc.tensor stays that of the model it names
                tensor_model = nlp.meta.get("newsreview", {}).get("tensor_model", self.label)
                nlp.add_pipe(COMPONENT, last=True, config={"contextual": uses_tensor(tensor_model)})
            else:
                self.warnings.append(f"model '{self.model_name}' has no parser: no claim candidates")
            self._nlp = nlp
        return self._nlp

    def load(self) -> Extractor:
        _ = self.nlp
        return self

    def extract(self, articles: Iterable[Article], *, jobs: int = 1, batch_size: int = 16) -> Iterator[Extraction]:
        nlp = self.nlp
        pairs = ((a.text, a) for a in articles)
        kwargs: dict[str, Any] = {"batch_size": batch_size, "as_tuples": True}
        if jobs and jobs > 1:
            kwargs["n_process"] = jobs
        for doc, article in nlp.pipe(pairs, **kwargs):
            yield self.candidates(doc, article)

    def extract_one(self, article: Article) -> Extraction:
        return next(self.extract([article]))

    def candidates(self, doc: Any, article: Article) -> Extraction:
        text = article.text
        entities = []
        if self.has_ner:
            entities = [
                entity_candidate(
                    text,
                    article.id,
                    e.start_char,
                    e.end_char,
                    e.label_,
                    token_start=e.start,
                    token_end=e.end,
                    model=self.label,
                )
                for e in doc.ents
            ]
        by_id = {e["id"]: e for e in entities}
        for sp in article.imported_spans:
            tok = doc.char_span(sp["start"], sp["end"], alignment_mode="expand")
            cand = entity_candidate(
                text,
                article.id,
                sp["start"],
                sp["end"],
                sp["label"],
                token_start=tok.start if tok is not None else None,
                token_end=tok.end if tok is not None else None,
                origin="imported",
                model=None,
            )
            by_id[cand["id"]] = cand  # an imported span wins over the same model span
        entities = sorted(by_id.values(), key=lambda e: (e["start"], e["end"], e["label"]))
        claims = [self._claim(text, article.id, raw, entities) for raw in doc.user_data.get(CLAIMS_KEY, [])]
        claims = list({c["id"]: c for c in claims}.values())
        for cand in entities + claims:
            check_offsets(text, cand)
        from spacy.attrs import IDX, IS_SPACE, LENGTH

        # read from Doc.to_array: a Token object per word was most of the cost of this method
        tokens = [(i, i + n) for i, n, space in doc.to_array([IDX, LENGTH, IS_SPACE]).tolist() if not space]
        return Extraction(article, entities, claims, tokens, list(self.warnings))

    def _claim(self, text: str, article_id: str, raw: dict[str, Any], entities: list[dict[str, Any]]) -> dict[str, Any]:
        speaker = None
        if raw.get("speaker"):
            sp = raw["speaker"]
            speaker = span(text, sp["start"], sp["end"])
            # linked only when the attribution code resolved the phrase to the source it names: "The
            # Biden administration" mentions Biden but is not him, so it stays unlinked
            resolved = sp.get("resolved") or sp
            ent = _entity_for(resolved, entities) if sp.get("resolved") else None
            if ent is not None:
                speaker["entity_id"] = ent["id"]
                speaker["name"] = ent["text"]
            else:
                speaker["name"] = text[resolved["start"] : resolved["end"]]
        cue = span(text, raw["cue"]["start"], raw["cue"]["end"]) if raw.get("cue") else None
        return claim_candidate(
            text,
            article_id,
            raw["start"],
            raw["end"],
            speaker=speaker,
            cue=cue,
            quote_type=raw.get("quote_type", "none"),
            numbers=[span(text, n["start"], n["end"]) for n in raw.get("numbers", [])],
            hedges=[span(text, h["start"], h["end"]) for h in raw.get("hedges", [])],
            checkworthiness=raw.get("checkworthiness", 0.0),
            model=self.label,
        )


def _entity_for(ref: dict[str, Any], entities: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The speaker-like entity best matching a mention: contained in it, else overlapping it; longest wins."""
    s, e = ref["start"], ref["end"]
    best = None
    for ent in entities:
        if ent["label"] not in SPEAKER_LABELS or ent["end"] <= s or ent["start"] >= e:
            continue
        inside = s <= ent["start"] and ent["end"] <= e
        key = (inside, ent["label"] == "PERSON", ent["end"] - ent["start"])
        if best is None or key > best[0]:
            best = (key, ent)
    return best[1] if best else None
