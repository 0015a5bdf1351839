"""Attributed statements: who said what, with which cue — from quote marks and the dependency parse.

One pass over the Doc (Python over tokens; no second spaCy model):

1. quotes: spans between curly, straight or ``''`` double quote marks, one family (an unclosed quote
   runs to the end of its paragraph, so an odd number of quote marks degrades instead of giving up);
2. cues: verbs the learned cue model (``cues.py``) accepts — verbs of saying, believing and intending
   in context — and "according to"; for each verb, ``_verb_candidates`` lists every content it may
   introduce (clausal complement, the quote it introduces or closes, its object, a prepositional
   object, the sentence around a parenthetical cue…) and the learned chooser (``contents.py``) keeps
   the likeliest or none; stance adjectives ("aware that …") and nominal cues ("his belief that …")
   are rules;
3. quote type: direct when the content is a quote, mixed when it contains one, indirect otherwise;
4. floating quotes (a quote with no cue of its own) continue the previous speaker: in the same
   paragraph they join that claim (one statement, one claim), in the next one they are a claim of
   their own with the same speaker and cue;
5. speakers: the cue's subject (inherited from the governing verb for "…, adding that"), resolved —
   pronouns to the most recent person mentioned, surnames and roles to the fullest mention of the
   same entity ("Wallace" → "Ben Wallace").
"""

from __future__ import annotations

import heapq
import itertools
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from typing import Any

from spacy.attrs import IDX, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import ADJ, NOUN, VERB

from ..records import span
from .contents import choose
from .cues import is_cue
from .quotes import Quotes, find_quotes

__all__ = ["CUE_LEMMAS", "find_attributions", "find_quotes"]

CUE_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "write",
        "add",
        "ask",
        "note",
        "report",
        "announce",
        "suggest",
        "argue",
        "describe",
        "tweet",
        "think",
        "want",
        "continue",
        "acknowledge",
        "criticize",
        "criticise",
        "explain",
        "declare",
        "believe",
        "accuse",
        "urge",
        "recall",
        "respond",
        "propose",
        "agree",
        "claim",
        "conclude",
        "hope",
        "state",
        "know",
        "warn",
        "promise",
        "plan",
        "insist",
        "reply",
        "reveal",
        "predict",
        "fear",
        "vow",
        "pledge",
        "deny",
        "confirm",
        "estimate",
        "allege",
        "assert",
        "contend",
        "maintain",
        "admit",
        "concede",
        "stress",
        "emphasize",
        "emphasise",
        "complain",
        "testify",
        "indicate",
        "boast",
        "inform",
        "assure",
        "caution",
        "demand",
        "doubt",
        "expect",
        "feel",
        "figure",
        "guess",
        "mention",
        "observe",
        "remark",
        "reiterate",
        "repeat",
        "signal",
        "speculate",
        "suspect",
        "worry",
        "disclose",
        "charge",
        "blame",
        "dismiss",
        "comment",
        "post",
        "brief",
        "advise",
        "recommend",
        "question",
        "wonder",
        "threaten",
        "cite",
        "call",
        "counter",
        "retort",
        "lament",
        "quip",
        "joke",
        "muse",
        "show",
        "find",
        "support",
        "back",
        "praise",
        "thank",
        "prefer",
        "mock",
        "refuse",
        "learn",
        "discuss",
        "list",
        "see",
        "endorse",
        "oppose",
        "condemn",
        "defend",
        "reject",
        "slam",
        "blast",
        "hail",
        "welcome",
        "dispute",
        "seem",
        "appear",
        "refer",
        "seek",
        "talk",
        "speak",
        "point",
        "hop",
        "decide",
        "challenge",
        "decline",
        "consider",
        "embrace",
        "denounce",
        "deem",
        "attack",
        "view",
        "recognize",
        "favor",
        "highlight",
        "echo",
        "express",
        "imply",
        "brag",
        "applaud",
        "advocate",
        "rebuff",
        "proclaim",
        "decry",
        "lash",
        "rail",
        "interpret",
        "remind",
        "articulate",
        "tout",
        "assail",
        "voice",
        "reaffirm",
        "dub",
        "hint",
        "interject",
        "envision",
        "deride",
        "chant",
        "order",
        "reference",
        "document",
        "distance",
        "rebuke",
        "liken",
        "credit",
        "portray",
        "quote",
        "title",
        "congratulate",
        "recount",
        "label",
        "disavow",
        "request",
        "outline",
        "attribute",
        "unveil",
        "elaborate",
        "detail",
        "underscore",
        "shout",
        "apologize",
        "persuade",
        "invoke",
        "convince",
    ]
)
SUBJECT_DEPS = ("nsubj", "nsubjpass")
_TRIGGER_POS = frozenset((VERB, ADJ, NOUN))  # the parts of speech the cue passes look at
_ACCORDING = get_string_id("according")  # its LOWER hash, the same in every vocab
RELATIVE_PRONOUNS = frozenset(["that", "which", "who"])
#: a first line opening with a short phrase and a colon: "Sanders: …", "EXCLUSIVE – Roger Stone: …"
HEADLINE_COLON = re.compile(r"\s*([^\n:.!?“”\"]{2,60}?):[ \t]")
PASSIVE_BE = frozenset(
    ["be", "is", "are", "was", "were", "been", "being", "am", "’re", "'re", "get", "gets", "got", "gotten"]
)
#: "aware that …", "confident that …", "critical of …": predicates of stance with a complement
STANCE_ADJS = frozenset(
    [
        "aware",
        "concerned",
        "confident",
        "convinced",
        "sure",
        "certain",
        "worried",
        "optimistic",
        "hopeful",
        "adamant",
        "critical",
        "skeptical",
        "sceptical",
        "doubtful",
        "insistent",
        "clear",
        "eager",
        "determined",
        "reluctant",
        "unwilling",
        "willing",
        "afraid",
    ]
)
#: "his belief that …", "calls for …", "the demand that …": nouns that carry an attributed content
NOMINAL_CUES = frozenset(
    [
        "belief",
        "claim",
        "assertion",
        "allegation",
        "assessment",
        "warning",
        "statement",
        "suggestion",
        "argument",
        "view",
        "insistence",
        "hope",
        "fear",
        "concern",
        "plan",
        "proposal",
        "accusation",
        "call",
        "demand",
        "pledge",
        "promise",
        "vow",
        "threat",
        "prediction",
        "expectation",
        "criticism",
        "charge",
        "complaint",
        "admission",
        "denial",
        "estimate",
        "report",
        "praise",
        "disagreement",
        "reference",
        "assumption",
        "mention",
        "contention",
        "doubt",
        "assurance",
    ]
)
#: "concerns about …", "requests for …", "criticism of …": prepositions that introduce a nominal cue's content
NOMINAL_PREPS = frozenset(["for"])
ADDRESSEE_CUES = frozenset(["say", "tell", "ask", "know", "see", "think", "feel"])
#: "wants to …", "seems to …", "declined to …": verbs whose infinitive complement is the content
XCOMP_CUES = frozenset(
    [
        "want",
        "plan",
        "promise",
        "vow",
        "pledge",
        "threaten",
        "expect",
        "hope",
        "hop",
        "seem",
        "appear",
        "seek",
        "decide",
        "decline",
        "refuse",
        "try",
        "agree",
        "offer",
        "intend",
        "aim",
    ]
)
#: "referring to …", "talked about …", "pointed to …": the prepositional object is the content
PREP_CONTENT = frozenset(["to", "about", "on", "at", "for", "of", "over", "against"])
CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")
PRONOUNS = {
    "he": "PERSON",
    "she": "PERSON",
    "him": "PERSON",
    "her": "PERSON",
    "they": None,
    "it": None,
    "we": None,
    "i": None,
}
SPEAKER_ENTS = ("PERSON", "ORG", "GPE", "NORP")
TRAIL = " \t\n,;:—–-"


def _triggers(doc: Any, quotes: Quotes) -> list[Any]:
    """The tokens that can open an attribution — verbs, adjectives, nouns and "according" — outside
    every quote (quotes sorted by start, as ``find_quotes`` returns them). Read from ``Doc.to_array``:
    making a Token object of every word was a third of the attribution pass."""
    rows = doc.to_array([IDX, POS, LOWER]).tolist()
    out, k, spans = [], 0, quotes.spans
    for i, (idx, pos, lower) in enumerate(rows):
        if pos not in _TRIGGER_POS and lower != _ACCORDING:
            continue
        while k < len(spans) and spans[k][1] <= idx:
            k += 1
        if k < len(spans) and spans[k][0] <= idx:
            continue
        out.append(doc[i])
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in TRAIL + ".":
        if text[end - 1] == "." and end - 2 >= start and text[end - 2] in "”\"'":
            break
        end -= 1
    while start < end and text[start] in TRAIL:
        start += 1
    return start, end


def _subtree_span(tok: Any, exclude: set[int] | None = None) -> tuple[int, int]:
    toks = [t for t in tok.subtree if not exclude or t.i not in exclude] or [tok]
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _content_span(comp: Any) -> tuple[int, int]:
    """The complement clause, without a trailing participial aside (", referring to …",
    ", calling them …") — PolNeAR-style contents stop before it."""
    doc = comp.doc
    exclude: set[int] = set()
    for child in comp.children:
        if child.i <= comp.i:
            continue
        prev = doc[child.left_edge.i - 1] if child.left_edge.i > 0 else None
        after_break = prev is not None and prev.text in (",", "—", "–", ";", "-")
        if child.dep_ in ("advcl", "parataxis", "npadvmod") and after_break and child.tag_ == "VBG":
            exclude.update(t.i for t in child.subtree)
    return _subtree_span(comp, exclude)


def _is_that_clause(clause: Any) -> bool:
    """A clause opened by "that" as a complementiser ("… the belief that Iran is …")."""
    return any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)


def _is_infinitive(clause: Any) -> bool:
    """A "to" infinitive ("… to have used drones")."""
    return any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children)


def _aside(noun: Any) -> Any:
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


def _subject(verb: Any) -> Any:
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        if node.dep_ in ("advcl", "conj", "xcomp", "acl", "relcl") and node.head is not node:
            node = node.head
            continue
        break
    return None


def _passive_subject(verb: Any) -> Any:
    """The subject of a passive verb ("Russia" in "Russia is believed to …"), else None. "He's said he …"
    is no passive: the parser's auxpass must be a form of "be" (or "get"), and "'s" is "has" as often."""
    if not any(c.dep_ == "auxpass" and c.lower_ in PASSIVE_BE for c in verb.children):
        return None
    return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)


def _source(verb: Any, subj: Any) -> Any:
    """Who is speaking: the subject, except of a passive cue, where it is the agent if one is named —
    "Russia is believed to have used drones" (by whom is not said), "the plan was praised by critics"."""
    passive = _passive_subject(verb)
    if subj is None or passive is None or subj.i != passive.i:
        return subj  # active, or the subject of a verb this cue hangs on ("… and was praised")
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None


def _speaker_span(subj: Any) -> tuple[int, int]:
    """The noun phrase around the subject, without its relative clauses and clausal modifiers."""
    exclude = {t.i for a in subj.children if a.dep_ in ("relcl", "acl") for t in a.subtree}
    return _subtree_span(subj, exclude)


def _surname(name: str) -> str:
    return name.split()[-1].lower().rstrip("’'s")


class _Resolver:
    """Resolves speaker mentions to the fullest mention of the same source in the article."""

    def __init__(self, doc: Any, text: str, quotes: Quotes, ents: list[Any]):
        self.doc = doc
        self.text = text
        # Doc.ents are sorted and never overlap: their starts and ends are both in order
        self.ents = [e for e in ents if e.label_ in SPEAKER_ENTS and quotes.containing(e.start_char) is None]
        self.ent_starts = [e.start_char for e in self.ents]
        self.ent_ends = [e.end_char for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.person_ends = [e.end_char for e in self.persons]
        self.longest: dict[tuple[str, str], Any] = {}  # (label, surname) -> longest mention
        for e in self.ents:
            key = (e.label_, _surname(e.text))
            if key not in self.longest or len(e.text) > len(self.longest[key].text):
                self.longest[key] = e

    def fullest(self, ent: Any) -> Any:
        """The longest mention of the same entity: same label and the same last word (surname)."""
        best = self.longest.get((ent.label_, _surname(ent.text)), ent)
        return best if len(best.text) > len(ent.text) else ent

    def entity_in(self, start: int, end: int) -> Any:
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

    def within(self, start: int, end: int) -> list[Any]:
        """The speaker-like entities lying wholly inside ``[start, end)``, in text order."""
        out = []
        for i in range(bisect_left(self.ent_starts, start), len(self.ents)):
            e = self.ents[i]
            if e.start_char >= end:
                break
            if e.end_char <= end:
                out.append(e)
        return out

    def last_within(self, start: int, end: int) -> Any:
        """The last speaker-like entity lying wholly inside ``[start, end)``, or None."""
        i = bisect_right(self.ent_ends, end) - 1
        return self.ents[i] if i >= 0 and self.ents[i].start_char >= start else None

    def previous_person(self, before: int) -> Any:
        i = bisect_right(self.person_ends, before) - 1
        return self.persons[i] if i >= 0 else None

    def resolve(self, start: int, end: int, previous: dict[str, Any] | None) -> dict[str, Any] | None:
        text = self.text[start:end]
        ent = self.entity_in(start, end)
        if ent is not None:
            full = self.fullest(ent)
            return span(self.text, full.start_char, full.end_char)
        word = text.strip().lower()
        if word not in PRONOUNS:
            return None
        person = self.previous_person(start) if PRONOUNS[word] == "PERSON" else None
        if person is not None:
            full = self.fullest(person)
            return span(self.text, full.start_char, full.end_char)
        return previous.get("resolved") if previous is not None else None


def _content_type(start: int, end: int, quotes: Quotes, text: str) -> str:
    inner = quotes.overlapping(start, end)
    if not inner:
        return "indirect"
    quoted = sum(min(end, q[1]) - max(start, q[0]) for q in inner)
    outside = text[start:end]
    for q in inner:
        outside = outside.replace(text[q[0] : q[1]], "")
    if quoted >= (end - start) - 2 or not outside.strip(" ,.;:"):
        return "direct"
    return "mixed"


def _verb_candidates(
    tok: Any, subj: Any, quotes: Quotes, used_quotes: set[tuple[int, int]], text: str
) -> Iterator[tuple[tuple[int, int], str | None, str]]:
    """Every content a reporting verb may introduce, as ((start, end), quote type or None, pattern),
    in the order the hand-written rules prefer them; ``contents.choose`` picks one."""
    doc = tok.doc
    cue_end = tok.idx + len(tok.text)
    sent = tok.sent
    for comp in tok.children:
        if comp.dep_ not in CONTENT_DEPS or comp.i == tok.i:
            continue
        rule = "complement" if comp.dep_ != "xcomp" or comp.tag_ == "VB" or tok.lemma_ in XCOMP_CUES else "xcomp_other"
        start, end = _content_span(comp)
        if comp.i < tok.i:
            # the complement comes first: “…,” he said — the content is the quote around it
            q = quotes.containing(comp.idx)
            if q is not None:
                start, end = q  # a quote that continues past this sentence stays one claim
            else:
                end = min(end, (subj.left_edge.idx if subj is not None and subj.i > comp.i else end))
        else:
            qs = quotes.overlapping(start, end)
            if qs and qs[0][0] <= start:
                start = qs[0][0]
            if qs and qs[-1][1] > end:
                end = qs[-1][1]
        yield (start, end), None, rule
    if (
        tok.dep_ in ("ccomp", "parataxis", "advcl", "conj")
        and tok.head.i < tok.i
        and tok.head.pos_ in ("VERB", "AUX")
        and subj is not None
        and subj.i < tok.i
        and subj.head.i == tok.i
        and tok.head.sent == sent
    ):
        left = sent[0].idx
        cut = subj.left_edge.idx
        before_subj = doc[subj.left_edge.i - 1].text if subj.left_edge.i > 0 else ""
        if cut - left > 20 and before_subj in (",", "”", '"', "''") and quotes.containing(left) is None:
            yield (left, cut), None, "fronted"
    if (
        tok.dep_ in ("parataxis", "advcl", "ccomp")
        and tok.head.i > tok.i
        and tok.head.pos_ in ("VERB", "AUX")
        and subj is not None
        and subj.head.i == tok.i
        and tok.head.sent == sent
    ):
        # a parenthetical cue: "The goal, he said, is to …", "As Crane said, the two …"
        inner = [t for t in tok.subtree if not t.is_punct] or [tok]
        comma = doc[inner[-1].i + 1] if inner[-1].i + 1 < sent.end else None
        left = sent[0].idx
        if comma is not None and comma.text == "," and not quotes.any_starting_in(left, tok.idx):
            lead = any(not t.is_punct for t in doc[sent.start : inner[0].i])
            last = sent[-1]
            yield (left if lead else comma.idx + 1, last.idx + len(last.text)), None, "parenthetical"
    # a quote right after the cue ("noted, “We always …”", "said: “…”")
    # (quotes never overlap, so only the first quote after the cue can be near enough on its line, and
    # only the last one closed before it has no other quote in between)
    after = quotes.first_starting_after(tok.idx)
    if after is not None and not (after[0] - cue_end <= 6 and quotes.same_line(cue_end, after[0])):
        after = None
    before = quotes.last_ending_by(tok.idx)
    if before is not None and not (tok.idx - before[1] <= 60 and quotes.same_line(before[1], tok.idx)):
        before = None
    if after is not None:
        yield after, "direct", "quote_after"
    if before is not None and before not in used_quotes:
        yield before, "direct", "quote_before"
    answer = next((c for c in tok.children if c.dep_ == "intj" and c.lower_ in ("yes", "no") and c.i > tok.i), None)
    if answer is not None:  # "said yes", "said no"
        yield (answer.idx, answer.idx + len(answer.text)), None, "answer"
    passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    has_agent = any(c.dep_ == "agent" for c in tok.children)
    as_prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > tok.i), None)
    if passive is not None and as_prep is not None and not has_agent:
        # "Rubio is seen as the candidate with …": the whole clause is what is (commonly) held
        end_tok = as_prep.right_edge
        yield (passive.left_edge.idx, end_tok.idx + len(end_tok.text)), None, "passive_as"
    raised = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i and _is_infinitive(c)), None)
    raised_subj = _passive_subject(tok) if raised is not None and not has_agent else None
    if raised_subj is not None and raised_subj.i < tok.i and raised_subj.lower_ not in RELATIVE_PRONOUNS:
        # "Russia is believed to have used …", "she is expected to move …": the clause, subject included
        end_tok = raised.right_edge
        yield (raised_subj.left_edge.idx, end_tok.idx + len(end_tok.text)), None, "passive_raising"
    objs = [c for c in tok.children if c.dep_ in ("dobj", "attr")]
    addressee = tok.lemma_.lower() in ADDRESSEE_CUES
    if objs and objs[0].pos_ != "PRON":
        obj = objs[0]
        right = [c for c in tok.children if c.i >= obj.i and c.dep_ in ("dobj", "attr", "oprd", "prep", "dative")]
        last = max(right, key=lambda c: c.right_edge.i).right_edge
        aside = _aside(obj)  # "Comey, a Republican appointed by …" stops at the comma
        if aside is not None and aside.i > obj.i:
            last = doc[aside.left_edge.i - 2] if aside.left_edge.i - 2 >= obj.left_edge.i else obj
        yield (obj.left_edge.idx, last.idx + len(last.text)), None, "dobj_addressee" if addressee else "dobj"
        bare = _subtree_span(obj, {t.i for t in aside.subtree} if aside is not None else None)
        if bare != (obj.left_edge.idx, last.idx + len(last.text)):
            yield bare, None, "dobj_bare"
    preps = [c for c in tok.children if c.dep_ == "prep" and c.i > tok.i]
    for prep in preps:
        # "said in a statement that …": the parser hangs the that-clause on the noun; it is the complement
        for noun in (g for g in prep.children if g.dep_ == "pobj"):
            for clause in noun.children:
                if clause.dep_ in ("acl", "ccomp", "relcl") and clause.i > noun.i and _is_that_clause(clause):
                    yield _content_span(clause), None, "complement"
        pobj = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None)
        if pobj is not None and pobj.pos_ != "PRON":
            known = prep.lower_ in PREP_CONTENT and not objs and not addressee
            yield _subtree_span(pobj), None, "pobj" if known else "pobj_other"
    if passive is not None and has_agent:
        # "These proposals have been applauded by Wall Street critics": what is applauded
        yield _subtree_span(passive), None, "passive_subject"
    for clause in tok.children:
        if clause.dep_ == "advcl" and clause.i > tok.i and _is_infinitive(clause):
            yield _content_span(clause), None, "advcl_to"  # "promised Sunday at a rally to end …"
    if after is None:
        # "telling the crowd, “Some people …”": a quote a few words after the cue, in its sentence
        near = quotes.first_starting_after(cue_end)
        if (
            near is not None
            and near[0] <= min(sent.end_char, cue_end + 60)
            and quotes.same_line(cue_end, near[0])
            and not any(t.pos_ in ("VERB", "AUX") for t in doc[tok.i + 1 : sent.end] if t.idx < near[0])
        ):
            yield near, "direct", "quote_near"


def find_attributions(
    doc: Any, ents: list[Any] | None = None, trace: list | None = None, text: str | None = None
) -> list[dict[str, Any]]:
    """Attributed claims in ``doc``; pass ``ents`` (``list(doc.ents)``) and ``text`` (``doc.text``) if
    already read — each rebuilds itself from every token. ``trace``, if given, receives (cue token,
    content candidates) for every verb cue — for training ``contents``."""
    text = doc.text if text is None else text
    quotes = Quotes(text)
    resolver = _Resolver(doc, text, quotes, list(doc.ents) if ents is None else ents)
    # claims in the order they were made (a dict, so one can be dropped in O(1)), and by content span
    made: dict[int, dict[str, Any]] = {}
    by_span: dict[tuple[int, int], int] = {}
    used_quotes: set[tuple[int, int]] = set()
    newlines = [m.start() for m in re.finditer("\n", text)]
    keys = itertools.count()

    def add(
        content: tuple[int, int], cue: tuple[int, int], subj_span: tuple[int, int] | None, qtype: str | None = None
    ):
        # the cue's paragraph: after the last line break before it, up to the first one after it
        i = bisect_left(newlines, cue[0]) - 1
        p_start = newlines[i] + 1 if i >= 0 else 0
        j = bisect_left(newlines, cue[1])
        p_end = newlines[j] if j < len(newlines) else len(text)
        start, end = _trim(text, max(content[0], p_start), min(content[1], p_end))
        if subj_span is not None and (subj_span[0] < p_start or subj_span[1] > p_end):
            subj_span = (
                None
                if subj_span[1] <= p_start or subj_span[0] >= p_end
                else (max(subj_span[0], p_start), min(subj_span[1], p_end))
            )
        if end - start < 2:
            return
        same_key = by_span.get((start, end))
        if same_key is not None:
            same = made[same_key]
            # one content, two cues: "The minister is expected to resign, officials said" is the officials'
            if not (start <= same["cue"]["start"] < end) or start <= cue[0] < end:
                return
            del made[same_key]
        previous = made[next(reversed(made))]["speaker"] if made else None
        speaker = None
        if subj_span is not None:
            speaker = span(text, *subj_span)
            speaker["resolved"] = resolver.resolve(*subj_span, previous)
        if qtype == "direct" or (start, end) in quotes or quotes.starts_at(start):
            # a quote interrupted by its cue continues: “Only you,” she said, “would …” is one claim
            nxt = quotes.first_starting_from(max(cue[1], end + 1))
            if nxt is not None and nxt[0] <= cue[1] + 40 and quotes.same_line(end, nxt[0]) and cue[0] > end:
                end = nxt[1]
        used_quotes.update(quotes.overlapping(start, end))
        key = next(keys)
        by_span[start, end] = key
        made[key] = {
            "start": start,
            "end": end,
            "speaker": speaker,
            "cue": span(text, *cue),
            "quote_type": qtype or _content_type(start, end, quotes, text),
        }

    triggers = _triggers(doc, quotes)  # both passes below skip quoted text
    for tok in triggers:
        # "according to X": the rest of the sentence is the content — the words before the phrase when
        # it trails ("…, according to a poll released Sunday"), else the words after it
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            sent = tok.sent
            stop = next((t.i for t in doc[tok.i + 2 : sent.end] if t.text in (",", "—", "–", ";", "(", ")")), sent.end)
            src = [t for t in doc[tok.i + 2 : stop] if not t.is_punct]
            left = [t for t in doc[sent.start : tok.i] if not t.is_punct or t.text in '“”"']
            right = [t for t in doc[stop : sent.end] if not t.is_punct or t.text in '“”"']
            side = left if len(left) >= 4 else right
            if side and src:
                content = (side[0].idx, side[-1].idx + len(side[-1].text))
                add(content, (tok.idx, doc[tok.i + 1].idx + 2), (src[0].idx, src[-1].idx + len(src[-1].text)))
            continue
        if tok.pos_ != "VERB" or not is_cue(tok, CUE_LEMMAS):
            continue
        subj = _subject(tok)
        source = _source(tok, subj)
        subj_span = _speaker_span(source) if source is not None else None
        if source is not None and source is subj and subj.lower_ in RELATIVE_PRONOUNS:
            # "the senator, who said …": the speaker is what the relative clause hangs on
            subj_span = _speaker_span(tok.head) if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN") else None
        cands = list(_verb_candidates(tok, subj, quotes, used_quotes, text))
        if trace is not None:
            trace.append((tok, cands))
        pick = choose(tok, cands, text)
        if pick is not None:
            (start, end), qtype, rule = pick
            if rule == "quote_after":
                # “We must hold …,” he said. “Iran has …” — the quote the cue closes is said too: one claim
                start = min(
                    [start]
                    + [
                        c[0][0]
                        for c in cands
                        if c[2] in ("complement", "quote_before")
                        and c[0][1] <= tok.idx
                        and (c[0][0], c[0][1]) in quotes
                    ]
                )
            add((start, end), (tok.idx, tok.idx + len(tok.text)), None if rule == "passive_as" else subj_span, qtype)

    # stance adjectives and nominal cues
    for tok in triggers:
        lemma = tok.lemma_.lower()
        if tok.pos_ == "ADJ" and lemma in STANCE_ADJS:
            comps = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp", "prep") and c.i > tok.i]
            subj = _subject(tok.head) if tok.dep_ in ("acomp", "attr") else None
            if comps:
                subj_span = _speaker_span(subj) if subj is not None else None
                add(_content_span(comps[0]), (tok.idx, tok.idx + len(tok.text)), subj_span)
        elif tok.pos_ == "NOUN" and lemma in NOMINAL_CUES:
            comps = [
                c
                for c in tok.children
                if c.i > tok.i
                and (
                    (c.dep_ in ("acl", "ccomp", "relcl") and _is_that_clause(c))
                    or (c.dep_ == "prep" and c.lower_ in NOMINAL_PREPS)
                    or (c.dep_ == "acl" and c.tag_ == "VB")
                )
            ]
            if comps:
                owner = next((c for c in tok.children if c.dep_ == "poss"), None)
                subj_span = (
                    _speaker_span(owner)
                    if (owner is not None and owner.pos_ != "PRON")
                    or (owner is not None and owner.lower_ in ("his", "her"))
                    else None
                )
                comp = comps[0]
                if comp.dep_ == "prep":  # "calls for an inquiry": the content is what is called for
                    comp = next((g for g in comp.children if g.dep_ in ("pobj", "pcomp")), comp)
                add(_content_span(comp), (tok.idx, tok.idx + len(tok.text)), subj_span)

    # "Stone: “I think …”" — a colon right before a quote, a speaker named just before it
    for q in quotes:
        if q in used_quotes:
            continue
        head = text[max(0, q[0] - 120) : q[0]]
        m = re.search(r":\s{0,2}$", head)
        if not m:
            continue
        colon = q[0] - len(head) + m.start()
        i = bisect_left(newlines, colon) - 1
        who = resolver.last_within(newlines[i] + 1 if i >= 0 else 0, colon)
        if who is None:
            continue
        add(q, (colon, colon + 1), (who.start_char, who.end_char), "direct")

    # a headline "Paul Ryan: FBI Decision Not to Indict Hillary ‘Defies Explanation’": the article's first
    # line opens with a short phrase ending in a name, then a colon; the rest of the line is what they say
    m = HEADLINE_COLON.match(text)
    if m is not None:
        colon = m.end(1)
        names = [
            e
            for e in resolver.ents
            if m.start(1) <= e.start_char
            and e.end_char <= colon
            and not text[e.end_char : colon].strip()
            and e.label_ in ("PERSON", "ORG")
        ]
        line_end = text.find("\n", colon)
        line_end = len(text) if line_end < 0 else line_end
        if names and len(text[colon + 1 : line_end].split()) >= 3:
            add((colon + 1, line_end), (colon, colon + 1), (names[-1].start_char, names[-1].end_char))

    claims = sorted(made.values(), key=lambda c: c["start"])
    _continue_floating_quotes(claims, quotes, used_quotes, text)
    claims.sort(key=lambda c: (c["start"], c["end"]))
    return _dedupe(claims)


def _continue_floating_quotes(
    claims: list[dict[str, Any]], quotes: Quotes, used_quotes: set[tuple[int, int]], text: str
) -> None:
    """A quote with no cue of its own continues the previous speaker — the claim with a speaker, not
    indirect, that ends last before it (the first such in ``claims`` on a tie): in the same paragraph it
    joins that claim, in the next one it is a claim of its own with the same speaker and cue.

    One pass over the quotes in text order with a heap of the claims that have ended (largest end, then
    earliest in ``claims``, on top): a claim a quote joins ends later, so its old entry goes stale and is
    dropped when it comes up."""
    waiting = sorted(
        (c["end"], i) for i, c in enumerate(claims) if c["speaker"] is not None and c["quote_type"] != "indirect"
    )
    ended: list[tuple[int, int]] = []  # (-end, index in claims)
    k = 0
    for q in quotes:
        if q in used_quotes or len(text[q[0] : q[1]].split()) < 4:
            continue
        while k < len(waiting) and waiting[k][0] <= q[0]:
            heapq.heappush(ended, (-waiting[k][0], waiting[k][1]))
            k += 1
        while ended and claims[ended[0][1]]["end"] != -ended[0][0]:
            heapq.heappop(ended)  # stale: that claim took in a quote since
        if not ended:
            continue
        last = claims[ended[0][1]]
        if q[0] - last["end"] > 200:
            continue
        gap = text[last["end"] : q[0]]
        if gap.count("\n") > 1:
            continue
        start, end = _trim(text, *q)
        used_quotes.add(q)
        if "\n" not in gap:
            # “…,” said Mr. Hof, a former adviser. “That means …” — one statement, one claim
            last["end"] = end
            last["quote_type"] = "direct" if last["quote_type"] == "direct" else "mixed"
            heapq.heappush(ended, (-end, ended[0][1]))
            continue
        heapq.heappush(ended, (-end, len(claims)))
        claims.append(
            {
                "start": start,
                "end": end,
                "speaker": dict(last["speaker"]),
                "cue": dict(last["cue"]),
                "quote_type": "direct",
            }
        )


def _dedupe(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a claim whose content lies inside another claim's content with the same cue (``claims``
    sorted by content span). Claims of one cue, by start then longest first: a claim is inside another
    when one that came before it (not of the very same span) reaches as far."""
    by_cue: dict[tuple[int, int, str], list[int]] = {}
    for i, c in enumerate(claims):
        by_cue.setdefault((c["cue"]["start"], c["cue"]["end"], c["cue"]["text"]), []).append(i)
    dropped: set[int] = set()
    for members in by_cue.values():
        members.sort(key=lambda i: (claims[i]["start"], -claims[i]["end"]))
        reach = -1  # the furthest end among the earlier spans
        for (_, end), group in itertools.groupby(members, key=lambda i: (claims[i]["start"], claims[i]["end"])):
            if reach >= end:
                dropped.update(group)
            reach = max(reach, end)
    return _outermost([c for i, c in enumerate(claims) if i not in dropped])


def _outermost(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a claim whose cue sits inside another claim's content: "X said Y supports Z" is X's
    statement; Y's support of Z is part of what X said (and a token has one role in PolNeAR) — unless
    that claim's own cue is inside this one's content.

    A sweep over cue starts: the contents that opened at or before a cue are kept sorted by end, so
    the ones that reach past the cue's end — the contents holding it — are a slice."""
    by_start = sorted(range(len(claims)), key=lambda i: claims[i]["start"])
    by_cue = sorted(range(len(claims)), key=lambda i: claims[i]["cue"]["start"])
    opened: list[tuple[int, int]] = []  # (content end, index)
    k = 0
    nested: set[int] = set()
    for i in by_cue:
        c = claims[i]
        cs, ce = c["cue"]["start"], c["cue"]["end"]
        while k < len(by_start) and claims[by_start[k]]["start"] <= cs:
            insort(opened, (claims[by_start[k]]["end"], by_start[k]))
            k += 1
        for _, j in opened[bisect_left(opened, (ce, -1)) :]:
            o = claims[j]
            if j != i and not (c["start"] <= o["cue"]["start"] and o["cue"]["end"] <= c["end"]):
                nested.add(i)
                break
    return [c for i, c in enumerate(claims) if i not in nested]
