"""The contents a reporting verb may introduce, as the hand-written patterns list them.

``verb_candidates`` yields every candidate content of a cue verb — its clausal complement, the quote
it introduces or closes, its object with or without trailing phrases, a prepositional object, the
sentence around a parenthetical cue… — in the order the rules prefer them; the learned chooser
(``contents.choose``) keeps one or none. Each candidate is ((start, end), the quote type if the
pattern fixes it, the pattern's name); the names are features of the chooser, so they are part of
its trained weights.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..quotes import Quote, Quotes
from .contents import Candidate
from .lexicon import ADDRESSEE_CUES, PREP_CONTENT, RELATIVE_PRONOUNS, XCOMP_CUES
from .syntax import aside, content_span, is_infinitive, is_that_clause, passive_subject, subtree_span

CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")


@dataclass
class Cue:
    """A cue verb and what the patterns read around it."""

    tok: Token
    subj: Token | None  # its grammatical subject (``syntax.subject``)
    quotes: Quotes
    used_quotes: set[Quote]  # quotes that are already (part of) a claim's content

    def __post_init__(self) -> None:
        self.doc: Doc = self.tok.doc
        self.text = self.quotes.text
        self.sent: Span = self.tok.sent
        self.end = self.tok.idx + len(self.tok.text)


def verb_candidates(cue: Cue) -> Iterator[Candidate]:
    """Every content the cue verb may introduce, in the order the hand-written rules prefer them."""
    yield from _complements(cue)
    yield from _fronted(cue)
    yield from _parenthetical(cue)
    after = _quote_after(cue)
    if after is not None:
        yield after, "direct", "quote_after"
    before = _quote_before(cue)
    if before is not None and before not in cue.used_quotes:
        yield before, "direct", "quote_before"
    yield from _answer(cue)
    yield from _passives(cue)
    yield from _objects(cue)
    if after is None:
        yield from _quote_near(cue)


def _complements(cue: Cue) -> Iterator[Candidate]:
    """Its clausal complements; one that comes first (“…,” he said) is the quote around it."""
    tok, subj = cue.tok, cue.subj
    for comp in tok.children:
        if comp.dep_ not in CONTENT_DEPS or comp.i == tok.i:
            continue
        rule = "complement" if comp.dep_ != "xcomp" or comp.tag_ == "VB" or tok.lemma_ in XCOMP_CUES else "xcomp_other"
        start, end = content_span(comp)
        if comp.i < tok.i:
            q = cue.quotes.containing(comp.idx)
            if q is not None:
                start, end = q  # a quote that continues past this sentence stays one claim
            else:
                end = min(end, (subj.left_edge.idx if subj is not None and subj.i > comp.i else end))
        else:
            qs = cue.quotes.overlapping(start, end)
            if qs and qs[0][0] <= start:
                start = qs[0][0]
            if qs and qs[-1][1] > end:
                end = qs[-1][1]
        yield (start, end), None, rule


def _fronted(cue: Cue) -> Iterator[Candidate]:
    """A cue after the clause it reports, with its subject in between: "Iran is …, the minister said"."""
    tok, subj, sent, doc = cue.tok, cue.subj, cue.sent, cue.doc
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
        if cut - left > 20 and before_subj in (",", "”", '"', "''") and cue.quotes.containing(left) is None:
            yield (left, cut), None, "fronted"


def _parenthetical(cue: Cue) -> Iterator[Candidate]:
    """A parenthetical cue: "The goal, he said, is to …", "As Crane said, the two …"."""
    tok, subj, sent, doc = cue.tok, cue.subj, cue.sent, cue.doc
    if (
        tok.dep_ in ("parataxis", "advcl", "ccomp")
        and tok.head.i > tok.i
        and tok.head.pos_ in ("VERB", "AUX")
        and subj is not None
        and subj.head.i == tok.i
        and tok.head.sent == sent
    ):
        inner = [t for t in tok.subtree if not t.is_punct] or [tok]
        comma = doc[inner[-1].i + 1] if inner[-1].i + 1 < sent.end else None
        left = sent[0].idx
        if comma is not None and comma.text == "," and not cue.quotes.any_starting_in(left, tok.idx):
            lead = any(not t.is_punct for t in doc[sent.start : inner[0].i])
            last = sent[-1]
            yield (left if lead else comma.idx + 1, last.idx + len(last.text)), None, "parenthetical"


def _quote_after(cue: Cue) -> Quote | None:
    """A quote right after the cue, on its line ("noted, “We always …”", "said: “…”"). Quotes never
    overlap: only the first one after the cue can be near enough."""
    after = cue.quotes.first_starting_after(cue.tok.idx)
    if after is not None and after[0] - cue.end <= 6 and cue.quotes.same_line(cue.end, after[0]):
        return after
    return None


def _quote_before(cue: Cue) -> Quote | None:
    """The quote the cue closes (“…,” he said): the last one closed before it, if near, on its line."""
    idx = cue.tok.idx
    before = cue.quotes.last_ending_by(idx)
    if before is not None and idx - before[1] <= 60 and cue.quotes.same_line(before[1], idx):
        return before
    return None


def _answer(cue: Cue) -> Iterator[Candidate]:
    """ "said yes", "said no"."""
    tok = cue.tok
    answer = next((c for c in tok.children if c.dep_ == "intj" and c.lower_ in ("yes", "no") and c.i > tok.i), None)
    if answer is not None:
        yield (answer.idx, answer.idx + len(answer.text)), None, "answer"


def _passives(cue: Cue) -> Iterator[Candidate]:
    """What a passive cue holds: "Rubio is seen as the candidate …" and "Russia is believed to have
    used …" (the whole clause, its subject included)."""
    tok = cue.tok
    passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    has_agent = any(c.dep_ == "agent" for c in tok.children)
    as_prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > tok.i), None)
    if passive is not None and as_prep is not None and not has_agent:
        # "Rubio is seen as the candidate with …": the whole clause is what is (commonly) held
        end_tok = as_prep.right_edge
        yield (passive.left_edge.idx, end_tok.idx + len(end_tok.text)), None, "passive_as"
    raised = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i and is_infinitive(c)), None)
    raised_subj = passive_subject(tok) if raised is not None and not has_agent else None
    if (
        raised is not None
        and raised_subj is not None
        and raised_subj.i < tok.i
        and raised_subj.lower_ not in RELATIVE_PRONOUNS
    ):
        # "Russia is believed to have used …", "she is expected to move …": the clause, subject included
        end_tok = raised.right_edge
        yield (raised_subj.left_edge.idx, end_tok.idx + len(end_tok.text)), None, "passive_raising"


def _objects(cue: Cue) -> Iterator[Candidate]:
    """Its object (with its trailing phrases, then without), prepositional objects, the subject of a
    passive cue with an agent, and an infinitive adjunct ("promised Sunday at a rally to end …")."""
    tok, doc = cue.tok, cue.doc
    objs = [c for c in tok.children if c.dep_ in ("dobj", "attr")]
    addressee = tok.lemma_.lower() in ADDRESSEE_CUES
    if objs and objs[0].pos_ != "PRON":
        obj = objs[0]
        right = [c for c in tok.children if c.i >= obj.i and c.dep_ in ("dobj", "attr", "oprd", "prep", "dative")]
        last = max(right, key=lambda c: c.right_edge.i).right_edge
        side = aside(obj)  # "Comey, a Republican appointed by …" stops at the comma
        if side is not None and side.i > obj.i:
            last = doc[side.left_edge.i - 2] if side.left_edge.i - 2 >= obj.left_edge.i else obj
        yield (obj.left_edge.idx, last.idx + len(last.text)), None, "dobj_addressee" if addressee else "dobj"
        bare = subtree_span(obj, {t.i for t in side.subtree} if side is not None else None)
        if bare != (obj.left_edge.idx, last.idx + len(last.text)):
            yield bare, None, "dobj_bare"
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.i > tok.i):
        # "said in a statement that …": the parser hangs the that-clause on the noun; it is the complement
        for noun in (g for g in prep.children if g.dep_ == "pobj"):
            for clause in noun.children:
                if clause.dep_ in ("acl", "ccomp", "relcl") and clause.i > noun.i and is_that_clause(clause):
                    yield content_span(clause), None, "complement"
        pobj = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None)
        if pobj is not None and pobj.pos_ != "PRON":
            known = prep.lower_ in PREP_CONTENT and not objs and not addressee
            yield subtree_span(pobj), None, "pobj" if known else "pobj_other"
    passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    if passive is not None and any(c.dep_ == "agent" for c in tok.children):
        # "These proposals have been applauded by Wall Street critics": what is applauded
        yield subtree_span(passive), None, "passive_subject"
    for clause in tok.children:
        if clause.dep_ == "advcl" and clause.i > tok.i and is_infinitive(clause):
            yield content_span(clause), None, "advcl_to"  # "promised Sunday at a rally to end …"


def _quote_near(cue: Cue) -> Iterator[Candidate]:
    """ "telling the crowd, “Some people …”": a quote a few words after the cue, in its sentence, with
    no verb in between."""
    tok, doc, sent = cue.tok, cue.doc, cue.sent
    near = cue.quotes.first_starting_after(cue.end)
    if (
        near is not None
        and near[0] <= min(sent.end_char, cue.end + 60)
        and cue.quotes.same_line(cue.end, near[0])
        and not any(t.pos_ in ("VERB", "AUX") for t in doc[tok.i + 1 : sent.end] if t.idx < near[0])
    ):
        yield near, "direct", "quote_near"
