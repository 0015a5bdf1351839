"""Small readings of the dependency parse that attribution's speakers and content patterns share."""

from __future__ import annotations

import re

from spacy.tokens import Token

from .lexicon import PASSIVE_BE, REPORTING_FRAMES, SAYING_VERBS, WORD_FRAMES

SUBJECT_DEPS = ("nsubj", "nsubjpass")
#: what may be cut from either end of a content or speaker span
TRAIL = " \t\r\n,;:—–-"
#: punctuation that sets off an aside (", referring to …")
BREAKS = (",", "—", "–", ";", "-")


def subtree_span(tok: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    """Char offsets of ``tok``'s subtree, leaving out the tokens whose index is in ``exclude``."""
    toks = [t for t in tok.subtree if not exclude or t.i not in exclude] or [tok]
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def content_span(comp: Token) -> tuple[int, int]:
    """The complement clause, without a trailing participial aside (", referring to …",
    ", calling them …") — PolNeAR-style contents stop before it."""
    doc = comp.doc
    exclude: set[int] = set()
    for child in comp.children:
        if child.i <= comp.i:
            continue
        prev = doc[child.left_edge.i - 1] if child.left_edge.i > 0 else None
        after_break = prev is not None and prev.text in BREAKS
        if child.dep_ in ("advcl", "parataxis", "npadvmod") and after_break and child.tag_ == "VBG":
            exclude.update(t.i for t in child.subtree)
    return subtree_span(comp, exclude)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without leading and trailing spaces and punctuation (``TRAIL``, and a final
    period unless it closes a quote: “… today.”)."""
    while end > start and text[end - 1] in TRAIL + ".":
        if text[end - 1] == "." and end - 2 >= start and text[end - 2] in "”\"'":
            break
        end -= 1
    while start < end and text[start] in TRAIL:
        start += 1
    return start, end


#: a coordinator left hanging at a content's end ("… would rise and" where the parse gave the
#: conjoined clause, another speaker's, a subject of its own)
DANGLING = re.compile(r"[\s,;]+(?:and|or|but|nor)$", re.I)


def without_dangling(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` trimmed (:func:`trim`), and without a coordinator that ends it."""
    start, end = trim(text, start, end)
    m = DANGLING.search(text, start, end)
    return trim(text, start, m.start()) if m is not None else (start, end)


def is_that_clause(clause: Token) -> bool:
    """A clause opened by "that" as a complementiser ("… the belief that Iran is …")."""
    return any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)


def is_infinitive(clause: Token) -> bool:
    """A "to" infinitive ("… to have used drones")."""
    return any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children)


def aside(noun: Token) -> Token | None:
    """The first apposition or relative clause set off by a comma after ``noun``, if any."""
    doc = noun.doc
    for child in noun.children:
        if (
            child.i > noun.i
            and child.dep_ in ("appos", "relcl", "acl")
            and child.left_edge.i > 0
            and doc[child.left_edge.i - 1].text == ","
        ):
            return child
    return None


def subject(verb: Token) -> Token | None:
    """The verb's subject, or that of the verb it hangs on ("…, adding that": the subject of the verb
    "adding" belongs to; "began by saying", "left without saying": through the preposition; "was able
    to brag": through the adjective), up to five steps up."""
    node = verb
    for _ in range(5):
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        dep = node.dep_
        if node.head.i == node.i:  # the root (Tokens are made afresh: compare positions)
            break
        if dep in ("advcl", "conj", "xcomp", "acl", "relcl", "acomp"):
            if dep == "advcl" and node.tag_ == "VBG" and node.head.dep_ == "ccomp" and node.head.head.i != node.head.i:
                node = node.head.head  # "said the bill would pass, while insisting …": the sayer insists
                continue
            node = node.head
        elif dep == "pcomp" and node.head.dep_ == "prep" and node.head.head.pos_ in ("VERB", "AUX"):
            node = node.head.head
        else:
            break
    return None


def reported_as(verb: Token) -> Token | None:
    """The verb a reporting passive frames with "as" — "saying" in "She was quoted as saying …",
    "denying" in "was quoted as denying …", "telling" in "was reported as telling …" — else None. What
    "quoted" and "cited" frame is always words; "reported" and "recorded" frame a saying verb only
    ("was reported as leaving the country" is the report's; "Rubio is seen as trying …": None)."""
    lemma = verb.lemma_.lower()
    if lemma not in REPORTING_FRAMES or passive_subject(verb) is None:
        return None
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "as" and prep.i > verb.i:
            framed = next((c for c in prep.children if c.dep_ == "pcomp" and c.pos_ == "VERB"), None)
            if framed is not None and (lemma in WORD_FRAMES or framed.lemma_.lower() in SAYING_VERBS):
                return framed
            return None
    return None


def framed_by(verb: Token) -> Token | None:
    """The reporting passive that frames ``verb`` ("quoted" for "saying" in "was quoted as saying"), if
    any (:func:`reported_as`)."""
    if verb.dep_ != "pcomp" or verb.head.dep_ != "prep":
        return None
    frame = verb.head.head
    framed = reported_as(frame)
    return frame if framed is not None and framed.i == verb.i else None


def passive_subject(verb: Token) -> Token | None:
    """The subject of a passive verb ("Russia" in "Russia is believed to …"), else None. "He's said he …"
    is no passive: the parser's auxpass must be a form of "be" (or "get"), and "'s" is "has" as often."""
    if not any(c.dep_ == "auxpass" and c.lower_ in PASSIVE_BE for c in verb.children):
        return None
    return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
