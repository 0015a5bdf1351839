"""The words newsreview's records are made of, in one place: kinds, statuses, actions, quote types.

Imported by the extractors, the store, the export, the CLI and the app alike (it imports nothing).
"""

from __future__ import annotations

from typing import Final, Literal

Kind = Literal["entity", "claim"]
KINDS: Final = ("entity", "claim")

QuoteType = Literal["direct", "indirect", "mixed", "none"]
QUOTE_TYPES: Final = ("direct", "indirect", "mixed", "none")

#: memory: proposed from the strings the desk added before, then added by an analyst
Origin = Literal["model", "analyst", "imported", "memory"]

#: the entity labels that can be the source of a claim
SPEAKER_LABELS: Final = ("PERSON", "ORG", "GPE", "NORP")
#: words a claim's speaker may be that name nobody by themselves (the app asks whom they refer to),
#: with whom they are likelier to mean: a person, something else, or either
SPEAKER_PRONOUNS: Final[dict[str, Literal["person", "other"] | None]] = {
    **dict.fromkeys(("he", "she", "him", "her", "his", "hers"), "person"),
    **dict.fromkeys(("it", "its"), "other"),
    **dict.fromkeys(("they", "them", "their", "we", "us", "our", "i", "me", "you"), None),
    # a relative pronoun stands for whom its clause hangs on (QA, stop 50: "who" was left linked to no one)
    **dict.fromkeys(("who", "whom", "which"), None),
}

Status = Literal["pending", "accepted", "edited", "added", "rejected"]
#: every status a candidate can have, in the order tables list them
STATUSES: Final = ("pending", "accepted", "edited", "added", "rejected")
#: the statuses that count as decided
DECIDED: Final = ("accepted", "edited", "added", "rejected")
#: a candidate the desk's reviewers decided differently, not adjudicated yet (the final view only)
DISPUTED: Final = "disputed"
#: every status in the desk's final view, in the order tables list them
FINAL_STATUSES: Final = (*STATUSES, DISPUTED)
#: what the export gives by default: the reviewed result
REVIEWED: Final = ("accepted", "edited", "added")

#: decisions on an existing candidate
CANDIDATE_ACTIONS: Final = ("accept", "reject", "edit", "undo", "redo")
#: every action a decision record can carry (adjudicate: a lead settling a candidate for the desk)
ACTIONS: Final = ("accept", "reject", "edit", "add", "undo", "redo", "adjudicate")

#: the entity labels of spaCy's English pipelines (en_core_web_sm's NER)
PIPELINE_LABELS: Final = [
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
]
#: entity labels that name no one who could say something (dates, amounts): never a claim's speaker
NOT_SPEAKERS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
