"""The derived fields of a claim an analyst edited or added: its numbers, hedges and check-worthiness,
worked out by the same code the extraction uses, with a pipeline that is already loaded.

    from extractors.claims.fields import claim_fields
    fields = claim_fields(extractor, article_text, start, end)  # or a spaCy Language
    # {"numbers": [SpanRef…], "hedges": [SpanRef…], "checkworthiness": 0.83}

Only the paragraph(s) holding ``[start, end)`` go through the pipeline's components (the claims
component is skipped: attribution of the whole article is not what an edit needs), so an edit costs a
few milliseconds and never reloads a model. Every span returned satisfies
``text == article_text[start:end]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from spacy.language import Language
from spacy.tokens import Doc

from ..records import SpanRef, span
from ..wrapping import unwrapped
from .checkworthy import EMIT_THRESHOLD, SentenceScores
from .models import ClaimModels
from .numbers import Numbers, find_hedges

if TYPE_CHECKING:
    from ..pipeline import Extractor

#: the claims component's name (``extractors.components.CLAIMS``, not imported: it registers factories)
CLAIMS_PIPE = "newsreview_claims"


class ClaimFields(TypedDict):
    numbers: list[SpanRef]
    hedges: list[SpanRef]
    checkworthiness: float  # 0..1, rounded to 4 places as the extraction's


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of the line holding ``start`` to the end of the line holding ``end``."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, (len(text) if last < 0 else last)


def _pipeline(source: Extractor | Language) -> tuple[Language, ClaimModels]:
    nlp = source if isinstance(source, Language) else source.nlp
    if CLAIMS_PIPE in nlp.pipe_names:
        models: ClaimModels = nlp.get_pipe(CLAIMS_PIPE).models  # type: ignore[attr-defined]
    else:
        models = ClaimModels.shipped()
    return nlp, models


def parse_window(nlp: Language, text: str) -> Doc:
    """``text`` through every component of ``nlp`` but the claims component."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != CLAIMS_PIPE:
            doc = proc(doc)
    return doc


def claim_fields(source: Extractor | Language, article_text: str, start: int, end: int) -> ClaimFields:
    """Numbers, hedges and check-worthiness of the claim ``article_text[start:end]``, as the extraction
    would give them: numbers are numeric entities, number tokens and vague amounts inside the span;
    hedges the same word list; check-worthiness the model's score of the sentence(s) the span touches.
    ``source`` is a loaded :class:`~extractors.pipeline.Extractor` or its ``nlp``."""
    if not (0 <= start <= end <= len(article_text)):
        raise ValueError(f"claim span [{start}, {end}) outside the article (length {len(article_text)})")
    flow = unwrapped(article_text)  # as the extraction reads it (hard-wrapped lines joined)
    hedges = [span(article_text, h["start"], h["end"]) for h in find_hedges(flow, start, end)]
    if end - start < 1 or not article_text[start:end].strip():
        return {"numbers": [], "hedges": hedges, "checkworthiness": 0.0}
    nlp, models = _pipeline(source)
    first, last = paragraph_bounds(flow, start, end)
    window = flow[first:last]
    doc = parse_window(nlp, window)
    s, e = start - first, end - first
    numbers = [
        span(article_text, n["start"] + first, n["end"] + first)
        for n in Numbers(doc, window, list(doc.ents)).inside(s, e)
    ]
    scores = SentenceScores(doc, models.checkworthy, models.contextual)
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        covering = [sent for sent in doc.sents if sent.start_char < e and s < sent.end_char]
    else:
        covering = []
    if covering:
        value = scores.sents(covering)
        # as the extraction: a sentence of the claim that would be proposed on its own lends its score
        for sent in covering:
            if len(sent.text.strip()) >= 12 and scores.alpha(sent.start, sent.end) >= 4:
                own = scores.sents([sent])
                if own >= EMIT_THRESHOLD:
                    value = max(value, own)
    else:
        tokens = doc.char_span(s, e, alignment_mode="expand")
        value = scores.span(tokens.start, tokens.end) if tokens is not None and len(tokens) else 0.0
    return {"numbers": numbers, "hedges": hedges, "checkworthiness": round(value, 4)}
