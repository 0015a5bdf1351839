"""Who is speaking: the speaker phrase of a cue, and the source it names in the article.

The speaker of a verb cue is its subject (inherited from the governing verb for "…, adding that"),
except for a passive cue, which speaks for its agent: "Russia is believed to have used drones" names
no source, "condemned by the mayor" is the mayor's. Speakers are resolved — pronouns to the most
recent person mentioned, surnames and roles to the fullest mention of the same entity ("Wallace" →
"Ben Wallace") — and a phrase links only to the entity it names, never to one it merely mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from spacy.symbols import appos, nsubj, nsubjpass
from spacy.tokens import Doc, Span, Token

from ..records import FoundSpeaker, SpanRef, span
from ..vocabulary import SPEAKER_LABELS
from .lexicon import PRONOUNS
from .quotes import Quotes
from .syntax import passive_subject, subtree_span


def source(verb: Token, subj: Token | None) -> Token | None:
    """Who is speaking: the subject, except of a passive cue, where it is the agent if one is named —
    "Russia is believed to have used drones" (by whom is not said), "the plan was praised by critics"."""
    passive = passive_subject(verb)
    if subj is None or passive is None or subj.i != passive.i:
        return subj  # active, or the subject of a verb this cue hangs on ("… and was praised")
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None


def speaker_span(subj: Token) -> tuple[int, int]:
    """The noun phrase around the subject, without its relative clauses and clausal modifiers."""
    exclude = {t.i for a in subj.children if a.dep_ in ("relcl", "acl") for t in a.subtree}
    return subtree_span(subj, exclude)


HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms)\.? ([A-Z][\w’'-]+)")
#: the pronoun a gendered one stands for, as ``Resolver.gender`` records it
GENDERED = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she"}


def _is_subject(ent: Span) -> bool:
    """Whether the entity is (in apposition to) the subject of a clause."""
    root = ent.root
    dep = root.dep
    if dep == appos:
        dep = root.head.dep
    return dep in (nsubj, nsubjpass)


def _surname(name: str) -> str:
    return name.split()[-1].lower().rstrip("’'s")


class Resolver:
    """Resolves speaker mentions to the fullest mention of the same source in the article.

    Knows the article's speaker-like entities outside quotes (``Doc.ents`` are sorted and never
    overlap, so their starts and ends are both in order and found by binary search)."""

    def __init__(self, doc: Doc, text: str, quotes: Quotes, ents: Sequence[Span]):
        self.doc = doc
        self.text = text
        self.ents = [e for e in ents if e.label_ in SPEAKER_LABELS and quotes.containing(e.start_char) is None]
        self.ent_starts = [e.start_char for e in self.ents]
        self.ent_ends = [e.end_char for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.person_ends = [e.end_char for e in self.persons]
        self.person_at = {e.start_char: e for e in self.persons}
        # the people who are the subject of a clause ("Flynn met Kislyak"), the likeliest antecedents
        self.subjects = [e for e in self.persons if _is_subject(e)]
        self.subject_ends = [e.end_char for e in self.subjects]
        # "Mr. McKinley", "Ms. Martin": the article's own word for whether "he" or "she" can be them
        self.gender = {_surname(m.group(2)): "he" if m.group(1) == "Mr" else "she" for m in HONORIFIC.finditer(text)}
        self.longest: dict[tuple[str, str], Span] = {}  # (label, surname) -> longest mention
        for e in self.ents:
            key = (e.label_, _surname(e.text))
            if key not in self.longest or len(e.text) > len(self.longest[key].text):
                self.longest[key] = e

    def speaker(
        self, start: int, end: int, previous: FoundSpeaker | None, said: tuple[int, int] | None = None
    ) -> FoundSpeaker:
        """The speaker phrase ``text[start:end]`` and the source it resolves to; ``previous`` is the
        speaker of the claim made just before (what an unresolved "they" or "it" continues)."""
        found: FoundSpeaker = {**span(self.text, start, end), "resolved": None}
        found["resolved"] = self.resolve(start, end, previous, said)
        return found

    def resolve(
        self, start: int, end: int, previous: FoundSpeaker | None, said: tuple[int, int] | None = None
    ) -> SpanRef | None:
        text = self.text[start:end]
        ent = self.entity_in(start, end)
        if ent is not None:
            return self.name_span(self.fullest(ent))
        word = text.strip().lower()
        if word not in PRONOUNS:
            return None
        person = self.antecedent(start, previous, said, word) if PRONOUNS[word] == "PERSON" else None
        if person is not None:
            return self.name_span(self.fullest(person))
        return previous.get("resolved") if previous is not None else None

    def name_span(self, ent: Span) -> SpanRef:
        """The mention as a name: without a possessive "’s" ("Donald Trump’s" -> "Donald Trump")."""
        end = ent.end_char
        if self.text[end - 2 : end] in ("’s", "'s") and end - 2 > ent.start_char:
            end -= 2
        return span(self.text, ent.start_char, end)

    def fullest(self, ent: Span) -> Span:
        """The longest mention of the same entity: same label and the same last word (surname)."""
        best = self.longest.get((ent.label_, _surname(ent.text)), ent)
        return best if len(best.text) > len(ent.text) else ent

    def entity_in(self, start: int, end: int) -> Span | None:
        """The entity the speaker phrase names: one holding its head word or an apposition to it ("the
        spokesman, John Kirby"), or an organisation naming its head ("the Reuters news agency"). "The Biden
        administration" is not Joe Biden, nor "Wallace's aide" Wallace, nor "the Florida senator" Florida."""
        inside = self.within(start, end)
        if not inside:
            return None
        phrase = self.doc.char_span(start, end, alignment_mode="expand")
        if phrase is not None:
            root = phrase.root
            heads = {root.i} | {c.i for c in root.children if c.dep_ == "appos"}
            inside = [
                e
                for e in inside
                if any(e.start <= i < e.end for i in heads)
                or (e.label_ == "ORG" and e.root.dep_ == "compound" and e.root.head.i == root.i)
            ]
        persons = [e for e in inside if e.label_ == "PERSON"]
        return (persons or inside)[-1] if inside else None

    def within(self, start: int, end: int) -> list[Span]:
        """The speaker-like entities lying wholly inside ``[start, end)``, in text order."""
        out = []
        for i in range(bisect_left(self.ent_starts, start), len(self.ents)):
            e = self.ents[i]
            if e.start_char >= end:
                break
            if e.end_char <= end:
                out.append(e)
        return out

    def last_within(self, start: int, end: int) -> Span | None:
        """The last speaker-like entity lying wholly inside ``[start, end)``, or None."""
        i = bisect_right(self.ent_ends, end) - 1
        return self.ents[i] if i >= 0 and self.ents[i].start_char >= start else None

    def antecedent(
        self, before: int, previous: FoundSpeaker | None, said: tuple[int, int] | None = None, pronoun: str = ""
    ) -> Span | None:
        """Who "he" or "she" at ``before`` is: the most recent of the people who were the subject of a
        clause and the speaker of the previous attributed statement (``previous``, when that resolved
        to a person; ``said``: its content, whose subjects are what was said, not who is speaking),
        within this paragraph and the one before; else the last person mentioned. The last person
        named is often an object ("Flynn met Putin in Moscow. He said …" is Flynn). A person the article
        calls "Mr." is not "she", nor one it calls "Ms." or "Mrs." "he"."""
        here = self.paragraph_start(before)
        k = here - 1
        while k > 0 and self.text[k - 1].isspace():
            k -= 1
        window = self.paragraph_start(max(k, 0))
        best: tuple[int, Span] | None = None
        for i in range(bisect_right(self.subject_ends, before) - 1, -1, -1):
            subj = self.subjects[i]
            if subj.start_char < window:
                break
            if (said is None or not (said[0] <= subj.start_char < said[1])) and self.fits(subj, pronoun):
                best = (subj.start_char, subj)
                break
        resolved = previous.get("resolved") if previous is not None else None
        if previous is not None and resolved is not None and window <= previous["start"] < before:
            person = self.person_at.get(resolved["start"])
            if person is not None and self.fits(person, pronoun) and (best is None or previous["start"] > best[0]):
                best = (previous["start"], person)
        if best is not None:
            return best[1]
        for i in range(bisect_right(self.person_ends, before) - 1, -1, -1):
            if self.fits(self.persons[i], pronoun):
                return self.persons[i]
        return None

    def fits(self, person: Span, pronoun: str) -> bool:
        """Whether ``pronoun`` can refer to ``person`` as far as the article's honorifics tell."""
        known = self.gender.get(_surname(person.text))
        if known is None or pronoun not in GENDERED:
            return True
        return GENDERED[pronoun] == known

    def paragraph_start(self, at: int) -> int:
        return self.text.rfind("\n", 0, at) + 1
