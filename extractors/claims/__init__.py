"""Claim extraction: attributed statements (who said what, with which cue) and unattributed
check-worthy statements, each with the numbers and hedges inside it and a check-worthiness score.

Contract used by ``extractors.pipeline``: ``find_claims(doc)`` returns a list of dicts::

    {"start": int, "end": int,                          # content span, char offsets into doc.text
     "speaker": {"start", "end", "text", "resolved": {"start", "end", "text"} | None} | None,
     "cue": {"start", "end", "text"} | None,
     "quote_type": "direct" | "indirect" | "mixed" | "none",
     "numbers": [{"start", "end", "text"}], "hedges": [{"start", "end", "text"}],
     "checkworthiness": float}

``speaker["resolved"]`` is the fullest mention of the same source in the article (e.g. "he" ->
"UK Defense Secretary Ben Wallace"); the pipeline links it to an entity candidate.
"""

from __future__ import annotations

from typing import Any

from .attribution import find_attributions
from .checkworthy import SentenceScores, find_unattributed, score_claims
from .numbers import find_hedges, find_numbers, number_entities, number_tokens


def find_claims(doc: Any, contextual: bool = False) -> list[dict[str, Any]]:
    """``contextual``: check-worthiness also reads ``Doc.tensor`` — only for the spaCy pipeline its
    weights were trained with (``checkworthy.uses_tensor``)."""
    # Doc.text, Doc.ents and Doc.sents each rebuild themselves from every token: read them once here
    text, sents, all_ents = doc.text, list(doc.sents), list(doc.ents)
    ents, numbers = number_entities(all_ents), number_tokens(doc, text)
    claims = find_attributions(doc, all_ents, text=text)
    scores = SentenceScores(doc, contextual)  # check-worthiness per sentence run, computed once
    claims += find_unattributed(text, sents, claims, scores)
    for claim in claims:
        claim["numbers"] = find_numbers(doc, claim["start"], claim["end"], ents, text, numbers)
        claim["hedges"] = find_hedges(doc, claim["start"], claim["end"], text)
    score_claims(doc, sents, claims, scores)
    claims.sort(key=lambda c: (c["start"], c["end"]))
    return claims
