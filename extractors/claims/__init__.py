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
from .layout import dateline_end
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
    carried: dict[int, float] = {}  # an attributed claim's sentence that would be proposed: its score
    claims += find_unattributed(text, sents, claims, scores, carried)
    for claim in claims:
        _after_dateline(text, claim)
    numbers = Numbers(doc, text, ents)
    for claim in claims:
        claim["numbers"] = numbers.inside(claim["start"], claim["end"])
        claim["hedges"] = find_hedges(text, claim["start"], claim["end"])
    score_claims(sents, claims, scores, carried)
    claims.sort(key=lambda c: (c["start"], c["end"]))
    return claims


def _after_dateline(text: str, claim: FoundClaim) -> None:
    """A content that starts in the dateline of its paragraph ("BERLIN, March 12 (Reuters) - Germany
    will cut …") starts after it, unless its speaker or cue is in it (then it is left as it is)."""
    start = claim["start"]
    paragraph_start = text.rfind("\n", 0, start) + 1
    new = dateline_end(text, start, paragraph_start)
    if new is None or new >= claim["end"]:
        return
    for part in (claim.get("speaker"), claim.get("cue")):
        if part is not None and part["start"] < new and part["end"] > start:
            return
    claim["start"] = new
