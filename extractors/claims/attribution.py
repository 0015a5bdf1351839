"""Attributed statements: who said what, with which cue — from quote marks and the dependency parse.

One pass over the Doc (Python over tokens; no second spaCy model):

1. quotes (``quotes.py``): spans between curly, straight or ``''`` double quote marks, one family;
2. cues: verbs the learned cue model (``cues.py``) accepts — verbs of saying, believing and intending
   in context — and "according to"; for each verb, ``patterns.verb_candidates`` lists every content
   it may introduce and the learned chooser (``contents.py``) keeps the likeliest or none; stance
   adjectives ("aware that …") and nominal cues ("his belief that …") are rules (word lists in
   ``lexicon.py``), and so is what a line's layout says (``layout.py``): a headline "Name: statement",
   a transcript line "PENCE: …", "Name: “…”", a quote signed "“…” ― Name";
3. quote type: direct when the content is a quote, mixed when it contains one, indirect otherwise;
4. floating quotes (a quote with no cue of its own) continue the previous speaker: in the same
   paragraph they join that claim (one statement, one claim), in the next one they are a claim of
   their own with the same speaker and cue;
5. speakers (``speakers.py``): the cue's subject, or a passive cue's agent, resolved to the fullest
   mention of the source ("he" → "Ben Wallace").

Every lookup over quotes, entities, paragraphs and claims is a binary search or a sweep, so the pass
is linear in the length of the article.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import re
from bisect import bisect_left, insort
from collections.abc import Iterator, Sequence

from spacy.attrs import IDX, LEMMA, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import ADJ, NOUN, VERB
from spacy.tokens import Doc, Span, Token

from ..quotes import Quote, Quotes, content_type
from ..records import FoundClaim, FoundSpeaker, SpanRef, span
from ..vocabulary import SPEAKER_LABELS, QuoteType
from . import layout
from .contents import Candidate, choose
from .cues import DOUBT, cue_score
from .lexicon import (
    LIGHT_VERBS,
    NOMINAL_CUES,
    NOMINAL_PREP_CUES,
    NOMINAL_PREPS,
    NOMINAL_TRIGGERS,
    POSSESSIVES,
    RELATIVE_PRONOUNS,
    SAYING_VERBS,
    STANCE_ADJS,
    SUBJECT_PRONOUNS,
)
from .models import ClaimModels
from .patterns import Cue, verb_candidates
from .speakers import (
    Resolver,
    adjacent_source,
    clear_of,
    inverted_cue,
    names_source,
    object_controller,
    source,
    speaker_span,
)
from .syntax import (
    SUBJECT_DEPS,
    content_span,
    framed_by,
    is_that_clause,
    reported_as,
    subject,
    subtree_span,
    trim,
    without_dangling,
)

_ACCORDING = get_string_id("according")  # its LOWER hash, the same in every vocab
_REPORTEDLY = get_string_id("reportedly")
#: the last characters of a quote that ends its sentence ("… kidding.”")
QUOTE_SENTENCE_END = re.compile(r"[.…][”\"'»]{1,2}$")  # not "?" or "!": “Are you kidding?” she asked


def ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the quote ``text[start:end]`` ends with the end of a sentence inside its marks."""
    return QUOTE_SENTENCE_END.search(text, max(start, end - 3), end) is not None


#: what ends the source of "according to X, …"
SOURCE_END = (",", "—", "–", ";", "(", ")")

#: (cue token, its content candidates), one per verb cue, for training the content chooser
Trace = list[tuple[Token, list[Candidate]]]
Offsets = tuple[int, int]


def find_attributions(
    doc: Doc,
    models: ClaimModels,
    ents: Sequence[Span] | None = None,
    trace: Trace | None = None,
    text: str | None = None,
) -> list[FoundClaim]:
    """Attributed claims in ``doc`` (which needs a dependency parse), sorted by content span. Pass
    ``ents`` (``list(doc.ents)``) and ``text`` (``doc.text``) if already read: each rebuilds itself from
    every token. ``trace``, if given, receives (cue token, content candidates) for every verb cue."""
    text = doc.text if text is None else text
    found = AttributionPass(doc, text, models, list(doc.ents) if ents is None else ents)
    triggers = found.triggers()  # both passes below skip quoted text
    for tok in triggers:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            found.according_to(tok)
        elif tok.pos_ == "VERB":
            score = found.cue_score(tok)
            if framed_by(tok) is not None:  # "was quoted as saying": the frame says these are someone's words
                score = 1.0
            if score >= models.cues.scalar("threshold") - (0.0 if models.rule_order else DOUBT):
                found.verb_cue(tok, trace, score)
    for tok in triggers:
        if tok.lower_ == "reportedly":
            found.reportedly(tok)
        else:
            found.stance_or_nominal(tok)
    layout.transcript(found)
    layout.colon_quotes(found)
    layout.lead_ins(found)
    layout.signed_quotes(found)
    layout.headline(found)
    return found.claims()


def text_before(text: str, start: int, end: int) -> int:
    """Where ``text[start:end]`` ends once the spaces, commas and dashes at its end are left out."""
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-–—("):
        end -= 1
    return end


class AttributionPass:
    """The claims of one Doc as the passes of ``find_attributions`` make them."""

    def __init__(self, doc: Doc, text: str, models: ClaimModels, ents: Sequence[Span]):
        self.doc, self.text, self.models = doc, text, models
        self.quotes = Quotes(text)
        self.resolver = Resolver(doc, text, self.quotes, ents)
        self.used_quotes: set[Quote] = set()  # quotes that are (part of) a claim's content
        # claims in the order they were made (a dict, so one can be dropped in O(1)), and by content span
        self.made: dict[int, FoundClaim] = {}
        self.by_span: dict[Offsets, int] = {}
        self.keys = itertools.count()
        self.doubtful: set[int] = set()  # keys of the claims doubtful verbs made
        self.cue_scores: dict[int, float] = {}  # token index -> the cue model's score, each verb scored once
        self.by_cue: list[tuple[int, int]] = []  # (cue start, key) of every claim made, sorted
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def cue_score(self, tok: Token) -> float:
        """The cue model's score of a verb, computed once per token for every pass that asks."""
        score = self.cue_scores.get(tok.i)
        if score is None:
            score = self.cue_scores[tok.i] = cue_score(tok, self.models.cues)
        return score

    def triggers(self) -> list[Token]:
        """The tokens that can open an attribution outside every quote — verbs, "according",
        "reportedly", stance adjectives and nominal cues (by lemma). Read from ``Doc.to_array``: making a Token object of
        every word was a third of the attribution pass."""
        doc, spans, strings = self.doc, self.quotes.spans, self.doc.vocab.strings
        listed: dict[tuple[int, int], bool] = {}  # (part of speech, lemma hash) -> an adjective or noun cue?
        out, k = [], 0
        for i, (idx, pos, lower, lemma) in enumerate(doc.to_array([IDX, POS, LOWER, LEMMA]).tolist()):
            if pos != VERB and lower != _ACCORDING and lower != _REPORTEDLY:
                if pos != ADJ and pos != NOUN:
                    continue
                key = (pos, lemma)
                if key not in listed:
                    words = STANCE_ADJS if pos == ADJ else NOMINAL_TRIGGERS
                    listed[key] = strings[lemma].lower() in words
                if not listed[key]:
                    continue
            while k < len(spans) and spans[k][1] <= idx:
                k += 1
            if k < len(spans) and spans[k][0] <= idx:
                continue
            out.append(doc[i])
        return out

    def according_to(self, tok: Token) -> None:
        """ "according to X": the rest of the sentence is the content — the words before the phrase
        when it trails ("…, according to a poll released Sunday"), else the words after it."""
        doc, sent = self.doc, tok.sent
        stop = next((t.i for t in doc[tok.i + 2 : sent.end] if t.text in SOURCE_END), sent.end)
        src = [t for t in doc[tok.i + 2 : stop] if not (t.is_punct or t.is_space)]
        left = [t for t in doc[sent.start : tok.i] if not t.is_punct or t.text in '“”"']
        right = [t for t in doc[stop : sent.end] if not t.is_punct or t.text in '“”"']
        side = left if len(left) >= 4 else right
        if side and src:
            content = (side[0].idx, side[-1].idx + len(side[-1].text))
            quote = self.quotes.containing(content[0])
            if side is right and quote is not None and quote[0] == content[0] and quote[1] > content[1]:
                # "According to Limbaugh, “… positive. Because …”": the quote it opens is said whole,
                # past the sentence's end (QA, stop 50: cut mid-quotation)
                content = (content[0], quote[1])
            self.add(content, (tok.idx, doc[tok.i + 1].idx + 2), (src[0].idx, src[-1].idx + len(src[-1].text)))

    def verb_cue(self, tok: Token, trace: Trace | None, score: float) -> None:
        """A verb that may be a cue (its cue model ``score``): the content the chooser picks among the
        patterns' candidates, if the verb and that content together are likely enough.

        "She was quoted as saying …": the verb after "as" is the cue (its speaker the passive's subject,
        found through the preposition); the passive verb that frames it is none."""
        if reported_as(tok) is not None:
            return
        subj = subject(tok)
        # the subjects of the verb the subject was found on (the cue's own, or one it hangs on: "“Only
        # you,” she was quoted as saying" — "you" and "she" both hang on "quoted")
        clause = subj.head if subj is not None else tok
        direct = [c for c in clause.children if c.dep_ in SUBJECT_DEPS and self.quotes.containing(c.idx) is None]
        if subj is not None and (self.quotes.containing(subj.idx) is not None or len(direct) > 1):
            # “My reaction, that was outrageous,” the strategist said: who speaks is never inside the
            # quote (the cue is outside every quote), though the parser may hang the quote's words on
            # it; of two subjects ("… made public ― Trump boasted"), the one nearest the cue
            subj = min(direct, key=lambda c: abs(c.i - tok.i)) if direct else None
        speaker: Token | None = object_controller(tok)
        if speaker is None:
            speaker = source(tok, subj) if subj is not None else adjacent_source(tok)
        subj_span: Offsets | None = speaker_span(speaker) if speaker is not None else None
        if subj is None and speaker is not None and not speaker.ent_type_ and speaker.i < tok.i:
            # "$20 million experts say": the noun alone ("Said the senator from Ohio:" keeps its phrase)
            subj_span = (speaker.idx, speaker.idx + len(speaker.text))
        refers = None
        participle = tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("NOUN", "PROPN")
        if participle and not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            # "officials warning that …", "Republicans advocating NATO enlargement": the noun the
            # participle describes speaks, not the subject of the clause that noun is in
            subj_span = speaker_span(tok.head)
        elif speaker is not None and speaker is subj and subj.lower_ in RELATIVE_PRONOUNS:
            # "the senator, who said …": the speaker is the relative pronoun, standing for what its
            # clause hangs on (as "he" stands for a person named before)
            clause = subj.head
            before = tok.doc[subj.i - 1] if subj.i > 0 else None
            if clause.dep_ == "relcl" and clause.head.pos_ in ("NOUN", "PROPN"):
                refers = speaker_span(clause.head)
                if refers[0] < subj.idx < refers[1]:
                    # the phrase ends before its pronoun (re-test, stop 50: "the study -- which notes
                    # that 58 … companies would owe …" named the speaker with the claim itself in it)
                    cut = text_before(self.doc.text, refers[0], subj.idx)
                    refers = (refers[0], cut) if cut > refers[0] else refers
                subj_span = (subj.idx, subj.idx + len(subj.text))
            elif before is not None and before.pos_ == "PROPN" and before.ent_type_ in SPEAKER_LABELS:
                # "the Chicago Police Department which reported …", its clause not parsed as relative
                refers = speaker_span(before)
                subj_span = (subj.idx, subj.idx + len(subj.text))
            else:
                subj_span = None
        cands = list(verb_candidates(Cue(tok, subj, self.quotes, self.used_quotes)))
        if trace is not None:
            trace.append((tok, cands))
        if self.models.rule_order:  # collecting candidates for training the chooser: the rule order picks
            pick = choose(tok, cands, self.text, None)
        else:
            pick = choose(tok, cands, self.text, self.models.contents, cue=score)
        if pick is None:
            return
        (start, end), qtype, rule = pick
        if rule == "quote_after":
            # “We must hold …,” he said. “Iran has …” — the quote the cue closes is said too: one claim;
            # not one another verb closes ("“Promise mama …,” Blige sings to Clinton before asking her,
            # “…”") nor one that ends its sentence ("“… I was just kidding.” To which she said, “…”")
            closed = [
                c[0][0]
                for c in cands
                if c[2] in ("complement", "quote_before")
                and c[0][1] <= tok.idx
                and c[0] in self.quotes
                and not ends_sentence(self.text, *c[0])
                and not self.verb_between(c[0][1], tok.idx, framed_by(tok))
            ]
            start = min([start, *closed])
        cue = (tok.idx, tok.idx + len(tok.text))
        doubtful = not self.models.rule_order and score < self.models.cues.scalar("threshold")
        who = None if rule == "passive_as" else subj_span
        self.add((start, end), cue, who, qtype, refers=refers, doubtful=doubtful)

    def reportedly(self, tok: Token) -> None:
        """ "The company has reportedly taken heat from …": a report with no named source — the clause the
        adverb qualifies is the content, "reportedly" the cue — unless its verb is a cue itself ("He
        reportedly told aides that …" is what he told)."""
        verb = tok.head
        if tok.dep_ != "advmod":
            return
        if verb.dep_ in ("aux", "auxpass") and verb.head.i != verb.i:  # "who reportedly has been itching"
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX") or self.has_cue_within(verb.idx, verb.idx + 1):
            return
        # the clause alone: "has reportedly resigned, and the party said …" — what the party said is
        # another statement, and so is a clause set against it
        exclude = {
            t.i
            for c in verb.children
            if c.i > verb.i and (c.dep_ in ("cc", "conj") or (c.dep_ == "advcl" and _contrast(c)))
            for t in c.subtree
        }
        start, end = subtree_span(verb, exclude)
        self.add((start, end), (tok.idx, tok.idx + len(tok.text)), None)

    def stance_or_nominal(self, tok: Token) -> None:
        """Stance adjectives ("aware that …", "critical of …") and nominal cues ("his belief that …",
        "calls for …") with their complement."""
        lemma = tok.lemma_.lower()
        cue = (tok.idx, tok.idx + len(tok.text))
        if tok.pos_ == "ADJ" and lemma in STANCE_ADJS:
            comps = [c for c in tok.children if c.dep_ in ("ccomp", "xcomp", "prep") and c.i > tok.i]
            subj = subject(tok.head) if tok.dep_ in ("acomp", "attr") else None
            if comps:
                self.add(content_span(comps[0]), cue, speaker_span(subj) if subj is not None else None)
        elif tok.pos_ == "NOUN" and lemma in NOMINAL_TRIGGERS:
            listed = lemma in NOMINAL_CUES
            comps = [
                c
                for c in tok.children
                if c.i > tok.i
                and (
                    (listed and c.dep_ in ("acl", "ccomp", "relcl") and is_that_clause(c))
                    or (
                        c.dep_ == "prep"
                        and ((listed and c.lower_ in NOMINAL_PREPS) or (lemma, c.lower_) in NOMINAL_PREP_CUES)
                    )
                    or (listed and c.dep_ == "acl" and c.tag_ == "VB")
                )
            ]
            if not comps:
                return
            owner = nominal_owner(tok)
            named = owner is not None and (
                owner.pos_ != "PRON" or owner.lower_ in POSSESSIVES or owner.lower_ in SUBJECT_PRONOUNS
            )
            if not listed and not named:
                return  # "doubts about …" reports someone's doubts; "the story of the year" reports nothing
            comp = comps[0]
            if comp.dep_ == "prep":  # "calls for an inquiry": the content is what is called for
                comp = next((g for g in comp.children if g.dep_ in ("pobj", "pcomp")), comp)
            framing = saying_frame(tok) if owner is None else None
            if framing is not None:
                # "Romero said in a statement that …": the saying verb's claim, with its speaker — not a
                # second one of the statement's, with no speaker (QA, wire stories: both were made)
                subj = subject(framing)
                verb_cue = (framing.idx, framing.idx + len(framing.text))
                self.add(content_span(comp), verb_cue, speaker_span(subj) if subj is not None else None)
                return
            refers = None
            if named and owner is not None and owner.lower_ in POSSESSIVES:
                # "The ministry stood by its assessment that …": "its" stands for the clause's subject
                verb = tok.head
                while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:  # (Tokens are made afresh)
                    verb = verb.head
                subj = subject(verb) if verb.pos_ in ("VERB", "AUX") else None
                if subj is not None and subj.pos_ in ("NOUN", "PROPN"):
                    refers = speaker_span(subj)
            self.add(
                content_span(comp), cue, speaker_span(owner) if named and owner is not None else None, refers=refers
            )

    def paragraph(self, start: int, end: int) -> Offsets:
        """The paragraph (line) around ``[start, end)``: from after the last line break before
        ``start`` to the first one at or after ``end``."""
        i = bisect_left(self.newlines, start) - 1
        j = bisect_left(self.newlines, end)
        return (self.newlines[i] + 1 if i >= 0 else 0), (self.newlines[j] if j < len(self.newlines) else len(self.text))

    def add(
        self,
        content: Offsets,
        cue: Offsets,
        subj_span: Offsets | None,
        qtype: QuoteType | None = None,
        *,
        refers: Offsets | None = None,
        doubtful: bool = False,
        below: bool = False,
    ) -> None:
        """A claim: ``content`` and ``subj_span`` cut to the cue's paragraph (with ``below``, the content
        to its own: "He said:" introducing the next paragraph) and trimmed; a quote
        interrupted by its cue continues (“Only you,” she said, “would …” is one claim). ``refers``:
        what a relative pronoun speaker stands for (its source is resolved from that phrase).
        ``doubtful``: a verb the cue model doubts made it — any other cue of the same content takes it
        over ("stood by its assessment that …" is the assessment's), and it is dropped if it holds
        another claim's cue (:meth:`claims`)."""
        text, quotes = self.text, self.quotes
        p_start, p_end = self.paragraph(cue[0], cue[1])
        c_start, c_end = self.paragraph(content[0], content[0]) if below else (p_start, p_end)
        start, end = without_dangling(text, max(content[0], c_start), min(content[1], c_end))
        if subj_span is not None and (subj_span[0] < p_start or subj_span[1] > p_end):
            outside = subj_span[1] <= p_start or subj_span[0] >= p_end
            subj_span = None if outside else (max(subj_span[0], p_start), min(subj_span[1], p_end))
        if end - start < 2:
            return
        if qtype != "direct":
            start = self.after_when(cue, self.whole_words(start, end), end)
        end = self.closing_mark(start, end, cue)
        if subj_span is not None and self.asked_of(cue):
            subj_span = None  # "Asked whether …, Lagarde replied": she was asked; who asked is not said
        if subj_span is not None and refers is None and (inverted := inverted_cue(self.doc, subj_span)):
            cue, subj_span = inverted  # "Said Jones, smiling: “…”": "Said" is the cue, whatever the parse
        if subj_span is not None:
            subj_span = clear_of(text, subj_span, cue, (start, end))
        same_key = self.by_span.get((start, end))
        if same_key is not None:
            same = self.made[same_key]
            same_cue = same["cue"]
            assert same_cue is not None
            # one content, two cues: "The minister is expected to resign, officials said" is the officials'
            taken_over = same_key in self.doubtful and not doubtful
            if not taken_over and (not (start <= same_cue["start"] < end) or start <= cue[0] < end):
                return
            del self.made[same_key]
        previous = self.previous_claim(cue[0])
        speaker: FoundSpeaker | None = None
        if subj_span is not None and refers is not None:
            pronoun = span(text, *subj_span)
            speaker = {
                "start": pronoun["start"],
                "end": pronoun["end"],
                "text": pronoun["text"],
                "resolved": self.resolver.resolve(*refers, None) or span(text, *refers),
            }
        elif subj_span is not None:
            said = (previous["start"], previous["end"]) if previous is not None else None
            speaker = self.resolver.speaker(*subj_span, previous["speaker"] if previous else None, said)
        if qtype == "direct" or (start, end) in quotes or quotes.starts_at(start):
            whole = qtype == "direct" or (start, end) in quotes
            nxt = quotes.first_starting_from(max(cue[1], end + 1))
            if (
                nxt is not None
                and nxt[0] <= cue[1] + 40
                and quotes.same_line(end, nxt[0])
                and cue[0] > end
                and not self.verb_between(cue[1], nxt[0])
                and not self.closed_by_another(nxt)
            ):
                end = nxt[1]
                if whole:  # “A,” said Lagarde. “B.” — all of it her words: direct (QA: "mixed" half the time)
                    qtype = "direct"
            elif cue[1] <= start and (before := self.interrupted_before(cue, start)) is not None:
                start, qtype = before, "direct"  # “Every penny …,” said the minister, “and no town …”: one quote
        self.used_quotes.update(quotes.overlapping(start, end))
        key = next(self.keys)
        insort(self.by_cue, (cue[0], key))
        self.by_span[start, end] = key
        if doubtful:
            self.doubtful.add(key)
        self.made[key] = {
            "start": start,
            "end": end,
            "speaker": speaker,
            "cue": span(text, *cue),
            "quote_type": qtype or content_type(start, end, quotes, [cue] if subj_span is None else [cue, subj_span]),
        }

    def asked_of(self, cue: Offsets) -> bool:
        """Whether the cue is a sentence's opening participle "Asked" ("Asked whether the bank had cut
        too early, Lagarde replied: …"): the clause's subject is who was asked, not who asked (QA,
        wire stories: the question was Lagarde's)."""
        words = self.doc.char_span(cue[0], cue[1], alignment_mode="expand")
        if words is None or len(words) != 1:
            return False
        tok = words[0]
        if tok.lower_ != "asked" or tok.tag_ not in ("VBN", "VBD") or tok.dep_ != "advcl":
            return False
        if any(c.dep_ in SUBJECT_DEPS for c in tok.children):
            return False  # "When he was asked …", "As reporters asked …": a clause with a subject of its own
        line_start = self.paragraph(tok.idx, tok.idx)[0]
        # at the sentence's start, or a participle before the clause it hangs on ("Later, asked …, X said")
        return bool(tok.is_sent_start) or not self.text[line_start : tok.idx].strip() or tok.i < tok.head.i

    def whole_words(self, start: int, end: int) -> int:
        """``start``, or past the piece of a word or a name a content would start inside, to the "that"
        opening the clause after it (re-test, stop 51: "said on BBC Radio Leeds that …" gave "Leeds that
        …", "on Monday's radio phone-in that …" gave "in that …": the parse hung the name's last word,
        or a hyphenated word's, on the clause)."""
        text = self.text
        words = self.doc.char_span(start, min(end, start + 1), alignment_mode="expand")
        if words is not None and words[0].ent_iob_ == "I" and words[0].ent_type_:
            doc, i = self.doc, words[0].i  # the entity's last token (not a scan of Doc.ents, rebuilt per call)
            while i + 1 < len(doc) and doc[i + 1].ent_iob_ == "I":
                i += 1
            ent_end = doc[i].idx + len(doc[i].text)
            after = trim(text, ent_end, end)[0]
            if ent_end > start and text.startswith("that ", after):
                return after
        joined = start >= 2 and text[start - 1] in "-‐‑" and text[start - 2].isalnum()
        if joined and text[start].isalnum():
            i = start
            while i < end and not text[i].isspace():
                i += 1
            after = trim(text, i, end)[0]
            if text.startswith("that ", after):
                return after
        return start

    def after_when(self, cue: Offsets, start: int, end: int) -> int:
        """Where a content right after its cue starts once a date or time that opens it is left out:
        "said on Thursday it was too early to …" (the parse hung "on Thursday" on the reported clause;
        QA, wire stories) — the when of the saying, not of what was said. ``start`` otherwise."""
        if not (cue[1] <= start and not self.text[cue[1] : start].strip()):
            return start
        words = self.doc.char_span(start, end, alignment_mode="expand")
        if words is None:
            return start
        i = 0
        while i < len(words) and words[i].lower_ in WHEN_WORDS:
            i += 1
        if i >= len(words) or words[i].ent_type_ not in ("DATE", "TIME") or words[i].ent_iob_ != "B":
            return start
        j = i + 1
        while j < len(words) and words[j].ent_iob_ == "I":
            j += 1
        date = words[i:j]
        if date.root.dep_ not in ("npadvmod", "pobj") or (j < len(words) and words[j].dep_ == "case"):
            return start  # "condemned Friday's test": the date is part of what was condemned
        rest = [t for t in words[j:] if not t.is_punct]
        if len(rest) < 3 or rest[0].pos_ in ("ADP", "CCONJ") or rest[0].dep_ == "prep":
            return start  # "said on Monday in Berlin …": no clause of its own follows
        return trim(self.text, words[j].idx, end)[0]

    def closing_mark(self, start: int, end: int, cue: Offsets) -> int:
        """``end``, or the end of the quote the content opens but stops short of by its closing mark
        alone (a period, a comma at most before it): "called the plan “blackmail”" — trimming took
        the mark ("the plan “blackmail"; QA, wire stories)."""
        q = self.quotes.containing(end - 1)
        if q is None or q[0] < start or q[1] <= end or q[0] <= cue[0] < q[1]:
            return end
        rest = self.text[end : q[1]]
        return q[1] if len(rest) <= 3 and not rest.strip(".,!?" + "".join(CLOSING_MARKS)) else end

    def interrupted_before(self, cue: Offsets, start: int) -> int | None:
        """Where the first part of a quote its cue interrupts starts, when the content (from ``start``,
        after the cue) is the second part: “A,” said the minister, “B.” — the quote closing right
        before the cue on the same line, with a comma ("A," or "A",), no verb in between and no other
        claim made of it. None otherwise (“A.” Jones added: “B.” — A may be somebody else's)."""
        text, quotes = self.text, self.quotes
        prev = quotes.last_ending_by(cue[0])
        if prev is None or prev[1] < cue[0] - 40 or not quotes.same_line(prev[1], start):
            return None
        inner = text[prev[0] : prev[1]].rstrip("".join(CLOSING_MARKS)).rstrip()
        after = text[prev[1] : cue[0]].lstrip()
        if not (inner.endswith(",") or after.startswith(",")):
            return None
        if self.verb_between(prev[1], cue[0]) or prev in self.used_quotes:
            return None
        return prev[0]

    def closed_by_another(self, quote: Quote) -> bool:
        """Whether a verb with a subject of its own closes ``quote`` on its line (“B,” Jones said): the
        quote is that verb's, not a continuation of the cue before it (“A,” Smith said. “B,” Jones said)."""
        line_end = self.paragraph(quote[1], quote[1])[1]
        return any(
            any(c.idx >= quote[1] for c in subjects)
            for _, subjects in self.verbs_with_subjects(quote[1], min(quote[1] + 60, line_end))
        )

    def verbs_with_subjects(self, start: int, end: int) -> Iterator[tuple[Token, list[Token]]]:
        """The verbs in ``[start, end)`` outside every quote that have subjects of their own, with them:
        who speaks in a stretch of text ("she told reporters", "Jones said")."""
        for t in self.doc.char_span(start, end, alignment_mode="contract") or ():
            if t.pos_ == "VERB" and self.quotes.containing(t.idx) is None:
                subjects = [c for c in t.children if c.dep_ in SUBJECT_DEPS]
                if subjects:
                    yield t, subjects

    def verb_between(self, start: int, end: int, frame: Token | None = None) -> bool:
        """Whether a verb stands in ``[start, end)``: “Only you,” she said, “would …” is one quote
        interrupted by its cue; in "“We need change,” he said, arguing that he will bring a “common-sense”
        approach" the second quote is what another verb introduces. ``frame``: the cue's own frame
        ("quoted" in "she was quoted as saying"), no other verb."""
        span = self.doc.char_span(start, end, alignment_mode="contract")
        skip = frame.i if frame is not None else -1
        return span is not None and any(
            t.i != skip and (t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass"))) for t in span
        )  # “We must hold the line,” he has said: “…” — "has" is the cue's own

    def has_cue_within(self, start: int, end: int) -> bool:
        """Whether a claim still kept has its cue in ``[start, end)``."""
        i = bisect_left(self.by_cue, (start, -1))
        j = bisect_left(self.by_cue, (end, -1))
        return any(self.by_cue[k][1] in self.made for k in range(i, j))

    def previous_claim(self, before: int) -> FoundClaim | None:
        """The attributed statement before the cue at ``before`` in the text (the claims are made pass
        by pass, not in text order): the claim still kept whose cue starts last before it and that has
        a speaker."""
        for i in range(bisect_left(self.by_cue, (before, -1)) - 1, -1, -1):
            made = self.made.get(self.by_cue[i][1])
            if made is not None and made["speaker"] is not None:
                return made
        return None

    def claims(self) -> list[FoundClaim]:
        """The claims made, with floating quotes continued, sorted, and the duplicates and nested ones
        dropped; a doubtful verb's claim that holds a sure claim's cue gives way to it ("began the hearing
        by saying that …" is the saying's)."""
        sure = sorted(c["cue"]["start"] for k, c in self.made.items() if k not in self.doubtful and c["cue"])
        for key in self.doubtful:
            made = self.made.get(key)
            if made is not None:
                i = bisect_left(sure, made["start"])
                if i < len(sure) and sure[i] < made["end"]:
                    del self.made[key]
        claims = sorted(self.made.values(), key=lambda c: c["start"])
        self.end_before_conjoined_cues(claims)  # before a floating quote joins the claim it would cut (ends only)
        _continue_floating_quotes(claims, self.quotes, self.used_quotes)
        claims.sort(key=lambda c: (c["start"], c["end"]))
        return _outermost(_dedupe(claims))

    def end_before_conjoined_cues(self, claims: list[FoundClaim]) -> None:
        """ "said that the country would leave by March and suggested that it would withdraw …": the
        parser hangs "suggested" on "leave", so the first content ran on through the second statement
        and swallowed its claim. A content that holds the cue of another claim — a verb the cue model
        is sure of (``CONJOINED_CUE``) that opens another statement (:func:`_another_statement`: "and
        warned against …", not "and he warned", another clause; "…, although he refused to pledge …"),
        under the content's own cue — ends before the first such verb, unless that would split a quote;
        the other claims stand, one with no subject of its own spoken by the first one's speaker where
        the parse gave it a subject from inside the first content ("the country"). On PolNeAR train 13,487 -> 13,564
        matched (dev 1,463 -> 1,474) for conjoined verbs, 13,591 -> 13,610 (dev 1,481 -> 1,484) for
        contrasting clauses."""
        doc, text = self.doc, self.text
        conjoined = []
        for claim in claims:
            cue = claim["cue"]
            assert cue is not None
            tokens = doc.char_span(cue["start"], cue["end"], alignment_mode="expand")
            if tokens is None or len(tokens) != 1:
                continue
            tok = tokens[0]
            if tok.pos_ == "VERB" and _another_statement(tok) and self.cue_score(tok) >= CONJOINED_CUE:
                conjoined.append((tok, claim))
        for claim in claims if conjoined else ():
            own = claim["cue"]
            assert own is not None
            start, end = claim["start"], claim["end"]
            if start <= own["start"] < end:
                continue  # "“…,” she said, “…”": its own cue inside, a quote interrupted
            own_tokens = doc.char_span(own["start"], own["end"], alignment_mode="expand")
            if own_tokens is None:
                continue
            # the conjoined cues inside this content that hang, through their heads, on its own cue: not
            # "arrived late and said …, according to a report" (the report's content holds "said",
            # which hangs on "arrived", not on "according")
            inside = [
                (tok, other)
                for tok, other in conjoined
                if other is not claim
                and start < tok.idx < end
                and start <= tok.head.idx < end
                and any(t.is_ancestor(tok) for t in own_tokens)
            ]
            if not inside:
                continue
            first = min(tok.i for tok, _ in inside)
            i = doc[first].left_edge.i
            while i > 0 and doc[i - 1].dep_ in ("cc", "punct") and doc[i - 1].text not in CLOSING_MARKS:
                i -= 1
            if i <= doc[first].head.i:
                continue  # the cut would leave out the word the other statement hangs on
            cut = trim(text, start, doc[i].idx)
            split = self.quotes.containing(cut[1] - 1)
            if cut[1] - cut[0] < 2 or (split is not None and cut[1] < split[1]):
                continue  # nothing left, or the cut would split a quote
            claim["end"] = cut[1]
            claim["quote_type"] = content_type(start, cut[1], self.quotes)
            for tok, other in inside:
                said_by = other["speaker"]
                own_subject = any(c.dep_ in SUBJECT_DEPS for c in tok.children)
                if not own_subject and (said_by is None or start <= said_by["start"] < end):
                    other["speaker"] = copy.deepcopy(claim["speaker"])


def saying_frame(noun: Token) -> Token | None:
    """The verb of saying a nominal cue is the frame of ("said *in a statement* that …", "wrote in a
    letter that …"), if it is one."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in ("in", "during"):
        return None
    verb = prep.head
    return verb if verb.pos_ == "VERB" and verb.lemma_.lower() in SAYING_VERBS else None


def nominal_owner(noun: Token) -> Token | None:
    """Whose a nominal cue is: its possessor ("his belief that …", "Tulsa police's claim that …"); the
    subject the parser gave it when it took a verb for a noun ("But Trump claims that …"); a name
    compounded with it ("a New York Times report that …"); the source after "from" or "by" ("warnings
    from his attorney that …"); else the subject of a light verb it is the object of ("Democrats
    persisted in arguments that …", "the senator made the claim that …") — not of any verb: "the
    minister rejected the claim that …" is not the minister's claim."""
    children = list(noun.children)
    for dep in ("poss", "nsubj"):
        found = next((c for c in children if c.dep_ == dep), None)
        if found is not None:
            return found
    named = [c for c in children if c.dep_ == "compound" and c.i < noun.i and c.ent_type_ in SPEAKER_LABELS]
    if named:
        return named[-1]
    head = noun.head
    if (
        head.i == noun.i - 1
        and head.pos_ == "PROPN"
        and head.ent_type_ in SPEAKER_LABELS
        and is_that_clause_after(noun)
    ):
        return head  # "Trump charges that …" parsed as a noun phrase "Trump charges"
    for c in children:
        if c.dep_ == "prep" and c.i > noun.i and c.lower_ in ("from", "by"):
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None and names_source(pobj):
                return pobj
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif noun.dep_ != "dobj":
        return None
    if head.pos_ == "VERB" and head.lemma_.lower() in LIGHT_VERBS:
        return subject(head)
    return None


def is_that_clause_after(noun: Token) -> bool:
    """Whether "that" opens a clause right after ``noun`` ("charges that …")."""
    doc = noun.doc
    return noun.i + 1 < len(doc) and doc[noun.i + 1].lower_ == "that"


def _continue_floating_quotes(claims: list[FoundClaim], quotes: Quotes, used_quotes: set[Quote]) -> None:
    """A quote with no cue of its own continues the previous speaker — the claim with a speaker, not
    indirect, that ends last before it (the first such in ``claims`` on a tie): in the same paragraph it
    joins that claim, in the next one (or past another claim) it is a claim of its own with the same
    speaker and cue.

    One pass over the quotes in text order with a heap of the claims that have ended (largest end, then
    earliest in ``claims``, on top): a claim a quote joins ends later, so its old entry goes stale and is
    dropped when it comes up."""
    text = quotes.text
    waiting = sorted(
        (c["end"], i) for i, c in enumerate(claims) if c["speaker"] is not None and c["quote_type"] != "indirect"
    )
    ended: list[tuple[int, int]] = []  # (-end, index in claims)
    starts = sorted(c["start"] for c in claims)
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
        start, end = trim(text, *q)
        used_quotes.add(q)
        between = bisect_left(starts, last["end"]) < bisect_left(starts, q[0])
        if "\n" not in gap and not between:
            # “…,” said Mr. Hof, a former adviser. “That means …” — one statement, one claim
            last["end"] = end
            last["quote_type"] = "direct" if last["quote_type"] == "direct" else "mixed"
            heapq.heappush(ended, (-end, ended[0][1]))
            continue
        speaker, cue = last["speaker"], last["cue"]
        assert speaker is not None and cue is not None
        # in the next paragraph, or past another claim ("said that … and warned that …. “…”" is not
        # one span over the warning): a claim of its own, the same speaker's
        heapq.heappush(ended, (-end, len(claims)))
        insort(starts, start)
        claims.append(
            {
                "start": start,
                "end": end,
                "speaker": FoundSpeaker(**speaker),
                "cue": SpanRef(**cue),
                "quote_type": "direct",
            }
        )


#: how sure the cue model must be of a conjoined verb to end another claim's content before it
CONJOINED_CUE = 0.7
#: the conjunctions that open a clause set against the one before ("…, although he refused to …")
CONTRAST_MARKS = frozenset(("although", "though", "while", "whereas"))


def _another_statement(verb: Token) -> bool:
    """Whether a verb inside a content opens a statement of its own: conjoined with no subject of its own
    ("… and suggested that …", the same speaker's), or a clause set against the content ("…, although
    he refused to …", its own subject's)."""
    if verb.dep_ == "conj":
        return not any(c.dep_ in SUBJECT_DEPS for c in verb.children)
    return verb.dep_ == "advcl" and verb.i > verb.head.i and _contrast(verb)  # not "that although …, he"


def _contrast(clause: Token) -> bool:
    """Whether an adverbial clause is opened by a conjunction of contrast ("although he refused …")."""
    return any(c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS for c in clause.children)


#: closing quote marks: a cut that steps back over "and" and punctuation stops at one
CLOSING_MARKS = frozenset("”\"’'»")
#: words before a date that says when something was said ("said *late on* Thursday it …")
WHEN_WORDS = frozenset(("on", "late", "early", "earlier", "later", "last", "this"))


def _cue_key(claim: FoundClaim) -> tuple[int, int, str]:
    cue = claim["cue"]
    assert cue is not None
    return cue["start"], cue["end"], cue["text"]


def _dedupe(claims: list[FoundClaim]) -> list[FoundClaim]:
    """Drop a claim whose content lies inside another claim's content with the same cue (``claims``
    sorted by content span). Claims of one cue, by start then longest first: a claim is inside another
    when one that came before it (not of the very same span) reaches as far."""
    by_cue: dict[tuple[int, int, str], list[int]] = {}
    for i, c in enumerate(claims):
        by_cue.setdefault(_cue_key(c), []).append(i)
    dropped: set[int] = set()
    for members in by_cue.values():
        members.sort(key=lambda i: (claims[i]["start"], -claims[i]["end"]))
        reach = -1  # the furthest end among the earlier spans
        for (_, end), group in itertools.groupby(members, key=lambda i: (claims[i]["start"], claims[i]["end"])):
            if reach >= end:
                dropped.update(group)
            reach = max(reach, end)
    return [c for i, c in enumerate(claims) if i not in dropped]


def _outermost(claims: list[FoundClaim]) -> list[FoundClaim]:
    """Drop a claim whose cue sits inside another claim's content: "X said Y supports Z" is X's
    statement; Y's support of Z is part of what X said (and a token has one role in PolNeAR) — unless
    that claim's own cue is inside this one's content.

    A sweep over cue starts: the contents that opened at or before a cue are kept sorted by end, so
    the ones that reach past the cue's end — the contents holding it — are a slice."""
    by_start = sorted(range(len(claims)), key=lambda i: claims[i]["start"])
    by_cue = sorted(range(len(claims)), key=lambda i: _cue_key(claims[i])[0])
    opened: list[tuple[int, int]] = []  # (content end, index)
    k = 0
    nested: set[int] = set()
    for i in by_cue:
        c = claims[i]
        cs, ce, _ = _cue_key(c)
        while k < len(by_start) and claims[by_start[k]]["start"] <= cs:
            insort(opened, (claims[by_start[k]]["end"], by_start[k]))
            k += 1
        for _, j in opened[bisect_left(opened, (ce, -1)) :]:
            ocs, oce, _ = _cue_key(claims[j])
            if j != i and not (c["start"] <= ocs and oce <= c["end"]):
                nested.add(i)
                break
    return [c for i, c in enumerate(claims) if i not in nested]
