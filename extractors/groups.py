"""Entity groups: the mentions of one entity in an article, decided together.

Two mentions are one entity when their normalised text and label are the same ("Russia" and
"russia's"; "the US" and "US"), or when one is a shorter form of the other's name: a one-word PERSON
mention that is the first or last word of exactly one longer PERSON mention ("Wallace" → "Ben
Wallace"; "Ben" alone would join it too), and a mention of any label that is the longer one with its
leading words dropped, when only one longer mention fits ("Defense Secretary Ben Wallace" → "Ben
Wallace" is *not* merged the other way: groups grow towards the shorter forms of the fullest name).
An ambiguous short form ("Smith" with "John Smith" and "Jane Smith" in the article) stays on its own.
Speakers' pronouns are claim fields, never entity candidates, so they stay out.

A group's id is derived from the article, the label and the normalised fullest name, so it is stable
across runs while its mentions do not change. Pure code; no spaCy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n.,;:!?\"'“”‘’()[]{}"
_DETERMINERS = ("the ", "a ", "an ")
_POSSESSIVE = ("'s", "’s", "'", "’")


def normalise(text: str) -> str:
    """The text a mention is grouped by: case-folded, NFKC, single spaces, without a leading article
    or a trailing possessive."""
    s = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip(_EDGE_PUNCT).casefold()
    for det in _DETERMINERS:
        if s.startswith(det) and len(s) > len(det):
            s = s[len(det) :]
            break
    for poss in _POSSESSIVE:
        if s.endswith(poss) and len(s) > len(poss) + 1:
            s = s[: -len(poss)]
            break
    return s.strip(_EDGE_PUNCT)


def bare_name(text: str) -> str:
    """A mention as a name: without a trailing possessive ("Hillary Clinton’s" -> "Hillary Clinton",
    "Reuters’" -> "Reuters"; QA: a speaker picked in the app kept the "’s")."""
    for poss in ("’s", "'s"):
        if text.endswith(poss) and len(text) > 3 and not text[-3].isspace():
            return text[:-2]
    # a bare apostrophe after an s ("Reuters’"), not the closing mark of a quoted name ("the ‘Squad’")
    if text[-1:] in ("’", "'") and text[-2:-1] == "s" and not any(q in text[:-1] for q in ("‘", "'")):
        return text[:-1]
    return text


def group_id(article: str, label: str, name: str) -> str:
    return "g-" + hashlib.sha1(f"{article}|{label}|{name}".encode()).hexdigest()[:12]


def entity_groups(article: str, entities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Group the entity candidates of one article: ``{group id: {"id", "name", "label", "mentions"}}``
    with mentions (candidate ids) in article order; ``name`` is the fullest mention's text, without a
    possessive (:func:`bare_name`)."""
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ent in sorted(entities, key=lambda e: (e["start"], e["end"])):
        key = (ent["label"], normalise(ent["text"]))
        if key[1]:
            by_key.setdefault(key, []).append(ent)
    # shorter forms join the one longer name they fit
    keys = sorted(by_key, key=lambda k: (-len(k[1].split()), k))
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    for key in keys:
        label, name = key
        words = name.split()
        fits = []
        for other in keys:
            olabel, oname = other
            owords = oname.split()
            if olabel != label or len(owords) <= len(words) or other in parent:
                continue
            if (
                (label == "PERSON" and len(words) == 1 and words[0] in (owords[0], owords[-1]))
                or (owords[-len(words) :] == words and len(words) >= 1 and label != "PERSON")
                or (label == "PERSON" and len(words) > 1 and owords[-len(words) :] == words)
            ):
                fits.append(other)
        if len(fits) == 1:
            parent[key] = fits[0]
    groups: dict[str, dict[str, Any]] = {}
    for key, ents in by_key.items():
        root = key
        while root in parent:
            root = parent[root]
        gid = group_id(article, root[0], root[1])
        group = groups.setdefault(gid, {"id": gid, "name": "", "label": root[0], "mentions": []})
        group["mentions"] += ents
    first: dict[str, tuple[int, int]] = {}
    for gid, group in groups.items():
        group["mentions"].sort(key=lambda e: (e["start"], e["end"]))
        group["name"] = max((bare_name(e["text"]) for e in group["mentions"]), key=len)
        first[gid] = (group["mentions"][0]["start"], group["mentions"][0]["end"])
        group["mentions"] = [e["id"] for e in group["mentions"]]
    return {gid: groups[gid] for gid in sorted(groups, key=lambda g: first[g])}
