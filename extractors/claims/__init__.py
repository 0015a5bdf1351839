"""Claim extraction: attributed statements (who said what, with which cue) and unattributed
check-worthy statements, each with the numbers and hedges inside it and a check-worthiness score.

``find_claims(doc, models)`` returns :class:`~extractors.records.FoundClaim` records (char offsets
into ``doc.text``); the claims component (``extractors.components``) writes them to ``doc._.newsreview_claims``
and the extraction links each speaker's ``resolved`` mention — the fullest mention of the same source
in the article ("he" -> "UK Defense Secretary Ben Wallace") — to an entity candidate.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..records import FoundClaim
from .attribution import find_attributions
from .checkworthy import SentenceScores, find_unattributed, score_claims
from .models import ClaimModels
from .numbers import Numbers, find_hedges

__all__ = ["ClaimModels", "find_claims"]


def find_claims(doc: Doc, models: ClaimModels) -> list[FoundClaim]:
    """The claims of a Doc, sorted by content span. Attributed claims need a dependency parse;
    without one (a pipeline with a sentence splitter only) just the check-worthy sentences come out.
    A Doc with no sentence boundaries at all gives none."""
    parsed = doc.has_annotation("DEP")
    if not (parsed or doc.has_annotation("SENT_START")):
        return []
    # Doc.text, Doc.ents and Doc.sents each rebuild themselves from every token: read them once here
    text, sents, ents = doc.text, list(doc.sents), list(doc.ents)
    claims = find_attributions(doc, models, ents, text=text) if parsed else []
    scores = SentenceScores(doc, models.checkworthy, models.contextual)  # each sentence run scored once
    claims += find_unattributed(text, sents, claims, scores)
    numbers = Numbers(doc, text, ents)
    for claim in claims:
        claim["numbers"] = numbers.inside(claim["start"], claim["end"])
        claim["hedges"] = find_hedges(text, claim["start"], claim["end"])
    score_claims(sents, claims, scores)
    claims.sort(key=lambda c: (c["start"], c["end"]))
    return claims
