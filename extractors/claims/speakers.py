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

from ..quotes import Quotes
from ..records import FoundSpeaker, SpanRef, span
from ..vocabulary import SPEAKER_LABELS
from .lexicon import PRONOUNS, SOURCE_NOUNS, STANCE_ADJS
from .syntax import passive_subject


def source(verb: Token, subj: Token | None) -> Token | None:
    """Who is speaking: the subject, except of a passive cue, where it is the agent if one is named —
    "Russia is believed to have used drones" (by whom is not said), "the plan was praised by critics" —
    unless the participle is a state of mind ("protesters were frustrated that …")."""
    passive = passive_subject(verb)
    if subj is None or passive is None or subj.i != passive.i:
        return subj  # active, or the subject of a verb this cue hangs on ("… and was praised")
    if verb.lower_ in STANCE_ADJS:
        return subj  # "protesters were frustrated that …": a state of mind, its subject's own
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None


#: finite verb tags: a verb that has a subject somewhere, even where the parser did not attach one
FINITE_TAGS = frozenset(("VBD", "VBZ", "VBP"))
#: cues that put their speaker after them ("Said Ellis: …", "added Smith")
INVERTED_CUES = frozenset(("say", "add", "write", "ask", "continue", "explain", "note", "reply", "tweet"))
#: their forms that open a sentence before its speaker, where the NER took the verb into the name
#: ("Said Ellis: …": a proper noun then, whose lemma is itself)
INVERTED_FORMS = frozenset(
    [
        "said",
        "says",
        "added",
        "adds",
        "asked",
        "asks",
        "wrote",
        "writes",
        "replied",
        "replies",
        "noted",
        "tweeted",
        "warned",
        "insisted",
        "explained",
        "declared",
        "argued",
        "countered",
        "responded",
        "recalled",
        "stated",
        "cautioned",
        "admitted",
        "conceded",
        "quipped",
        "joked",
        "complained",
        "continued",
        "concluded",
    ]
)
#: entity types a word after a cue has when it says when or how much, not who ("said Thursday")
WHEN_OR_HOW_MUCH = frozenset(("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"))
#: what a name after a cue is when it is no speaker: what was said, or to whom ("called Braynard …")
OBJECT_DEPS = frozenset(("dobj", "dative", "pobj", "attr", "oprd", "iobj"))


def adjacent_source(verb: Token) -> Token | None:
    """The source next to a finite cue the parser gave no subject: "…, former president Bill Clinton
    said his wife …" (the name taken for an apposition to an earlier one), "Senator Harry Reid, the
    minority leader, said …" (the apposition skipped), "Obama and Clinton call them … and describe
    …" (a verb joined to such a cue), "$20 million experts say it costs"; and, inverted, "Said Ellis:
    …". Only a person, organisation or group named as an entity, or a noun naming people
    ("experts", "officials"), in the same sentence — a bare noun before a verb is as often an
    adjunct ("on Tuesday said")."""
    while (
        verb.tag_ not in FINITE_TAGS
        and verb.dep_ == "conj"
        and verb.head.pos_ in ("VERB", "AUX")
        and verb.head.i < verb.i
    ):
        verb = verb.head  # "… call them “lone wolves” and describe …": the finite verb it is joined to
    doc, sent = verb.doc, verb.sent
    # "Labour's health secretary, Wes Morgan, accused ministers of …": the parser took the cue for a
    # participle modifying its object (QA, wire stories: the claim had no speaker)
    misread = verb.tag_ == "VBN" and verb.dep_ == "amod" and verb.i > sent.start and doc[verb.i - 1].text == ","
    if (verb.tag_ not in FINITE_TAGS and not misread) or passive_subject(verb) is not None:
        return None
    after = verb.i + 1
    if verb.lemma_.lower() in INVERTED_CUES and after < sent.end:
        who = doc[after]
        if who.dep_ == "det" and after < who.head.i < sent.end:
            who = who.head  # "Said the minister: …"
        # a sentence opening "Said …", or a quote closed by "added …", puts its speaker after the verb,
        # whatever the parse made of it (QA: "the minister" was its object there)
        opening = verb.i == sent.start and verb.text[:1].isupper()
        after_quote = verb.i > sent.start and doc[verb.i - 1].text in ("”", '"', "’", "'")  # “…,” added the minister
        if (
            (names_source(who) or who.pos_ == "PROPN")  # a name the NER missed: "Said Ellis"
            and (opening or after_quote or who.dep_ not in OBJECT_DEPS)
            and who.ent_type_ not in WHEN_OR_HOW_MUCH  # "…,” Flynn, a surrogate, said Thursday"
        ):
            return who  # "Said Ellis: …", "added Smith"
    i = verb.i - 1
    if i > sent.start and doc[i].text == ",":
        appos_tok = doc[i - 1]
        while appos_tok.dep_ != "appos" and appos_tok.head.i < appos_tok.i and appos_tok.head.i >= sent.start:
            appos_tok = appos_tok.head  # up to the apposition's own head word
        if appos_tok.dep_ != "appos":
            return None
        i = appos_tok.head.i
        if i >= verb.i:
            return None
        if appos_tok.ent_type_ == "PERSON" and doc[i].ent_type_ not in SPEAKER_LABELS:
            return appos_tok  # "Labour's health secretary, Wes Morgan, said": the name, not the role
    if i < sent.start:
        return None
    return doc[i] if names_source(doc[i]) else None


def names_source(tok: Token) -> bool:
    """A person, organisation, place or group named as an entity, or a noun naming people ("experts",
    "the journalist Dainis Ivans")."""
    if tok.ent_type_ in SPEAKER_LABELS and tok.ent_iob_ != "":
        return True
    if tok.pos_ != "NOUN":
        return False
    if tok.lower_ in SOURCE_NOUNS or tok.lemma_.lower() in SOURCE_NOUNS:
        return True
    # "the Latvian journalist Dainis Ivans": a noun with a name beside it
    return any(c.dep_ in ("compound", "appos") and c.ent_type_ in ("PERSON", "ORG", "NORP") for c in tok.children)


#: verbs whose subject, not their object, does what their infinitive says ("promised them to …")
SUBJECT_CONTROL = frozenset(("promise", "vow", "pledge", "threaten", "offer"))
OBJECT_PRONOUNS = frozenset(("him", "her", "them", "us", "me"))


def object_controller(verb: Token) -> Token | None:
    """Who the infinitive cue's statement is by when a verb with an object governs it: "All this has led
    the journalist Dainis Ivans to fear …", "prompted NATO … to order …", "left many nations feeling
    that …" — the object, not the subject, fears, orders and feels."""
    if verb.dep_ not in ("xcomp", "oprd", "ccomp") or verb.head.pos_ != "VERB":
        return None
    if verb.dep_ == "ccomp" and verb.tag_ != "VBG":
        return None
    governor = verb.head
    if governor.lemma_.lower() in SUBJECT_CONTROL:
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    obj = next((c for c in governor.children if c.dep_ == "dobj" and c.i < verb.i), None)
    # someone who can say or think: "used blunt language to denounce …" is no statement of the language's
    return obj if obj is not None and (names_source(obj) or obj.lower_ in OBJECT_PRONOUNS) else None


#: what a speaker span neither starts nor ends with: a quote mark the parse hung on the name
#: ("” Flynn, a top Trump surrogate,"), the comma closing an apposition, a dash
EDGE_MARKS = frozenset("“”\"‘’'«»„,;:—–-")


def speaker_span(subj: Token) -> tuple[int, int]:
    """The noun phrase around the subject, without its relative clauses and clausal modifiers, a time
    the parse hung on it ("Trump this week also said": when, not who), and punctuation at its edges.
    QA: in "“…,” said Jones, smiling." the parse made "smiling" the subject, "Jones" its own: the speaker
    is Jones, not "Jones, smiling"."""
    if subj.tag_ == "VBG":
        who = next((c for c in subj.lefts if c.dep_ == "nsubj" and c.pos_ in ("PROPN", "PRON", "NOUN")), None)
        if who is not None:
            return speaker_span(who)
    exclude = {t.i for a in subj.children if a.dep_ in ("relcl", "acl") for t in a.subtree}
    exclude.update(
        t.i
        for a in subj.children
        if a.dep_ == "npadvmod" and a.i > subj.i and a.ent_type_ in ("DATE", "TIME")
        for t in a.subtree
    )
    toks = [t for t in subj.subtree if t.i not in exclude] or [subj]
    # QA: "Johnson⇥said" gave the speaker "Johnson⇥" (a tab or form feed is a token of its own)
    while len(toks) > 1 and toks[0].i != subj.i and (toks[0].is_space or set(toks[0].text) <= EDGE_MARKS):
        toks.pop(0)
    while len(toks) > 1 and toks[-1].i != subj.i and (toks[-1].is_space or set(toks[-1].text) <= EDGE_MARKS):
        toks.pop()
    doc = subj.doc
    first = toks[0].i
    # a word the tokenizer split at a hyphen is whole (re-test, stop 51: the parse made "co", "-" and
    # "author" three subjects, and the speaker began "author, Professor …", mid-word)
    while (
        first >= 2
        and not doc[first - 1].whitespace_
        and doc[first - 1].text in HYPHENS
        and not doc[first - 2].whitespace_
    ):
        first -= 2
    return doc[first].idx, toks[-1].idx + len(toks[-1].text.rstrip())


#: what joins the parts of a word the tokenizer split ("co-author")
HYPHENS = frozenset(("-", "‐", "‑"))


def clear_of(
    text: str, speaker: tuple[int, int], cue: tuple[int, int], content: tuple[int, int]
) -> tuple[int, int] | None:
    """The speaker span cut back so that it takes in neither the cue nor a part of the content — a
    speaker inside an interrupted quote's content ("The deal, he said, is done") stays whole — keeping
    the side of each that holds no part of it, then its edges' spaces and marks dropped; None when
    nothing is left. QA: in "Said Ellis: “We will win …”" the parser made "Said Ellis" a name with the
    quote hung on it, and the speaker ran from the cue to the quote's last word."""
    start, end = speaker
    inside = content[0] <= start and end <= content[1]
    for o_start, o_end in (cue, *(() if inside else (content,))):
        if o_start < end and start < o_end:
            if o_start <= start:
                start = max(start, o_end)
            else:
                end = min(end, o_start)
    while start < end and (text[start].isspace() or text[start] in EDGE_MARKS):
        start += 1
    while start < end and (text[end - 1].isspace() or text[end - 1] in EDGE_MARKS):
        end -= 1
    return (start, end) if start < end else None


def inverted_cue(doc: Doc, speaker: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(cue, speaker) when ``speaker`` opens its sentence with a capitalised verb of saying the NER
    took into the name ("Said Ellis", "Added Jones"): that verb is the cue, the rest the speaker —
    whatever verb the parse hung the content on (QA: "Said Jones, smiling: “…”" made "smiling" the
    cue and "Said Jones" the speaker). None otherwise."""
    words = doc.char_span(speaker[0], speaker[1], alignment_mode="expand")
    if words is None or len(words) < 2:
        return None
    first = words[0]
    if first.idx != speaker[0] or not first.is_sent_start or not first.text[:1].isupper():
        return None
    if first.lower_ not in INVERTED_FORMS or words[1].is_punct:
        return None
    return (first.idx, first.idx + len(first.text)), (words[1].idx, speaker[1])


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


_POSSESSIVE = re.compile(r"[’']s?$")


def _words(name: str) -> set[str]:
    """A name's words, lower-cased, without a possessive or an honorific ("Mr. Trump's" -> {"trump"},
    "Ms Ardern" -> {"ardern"}; "Ross" stays "ross")."""
    words = {_POSSESSIVE.sub("", w.lower()).rstrip(".") for w in name.split()}
    return words - {"mr", "mrs", "ms", "dr", ""}


#: how many times the body may use a surname alone before a fuller name it brings in is taken for
#: another person (see :meth:`Resolver.fullest`)
KNOWN = 3
#: a headline (and its subtitle lines) ends at the first blank line within this many characters
HEADLINE_MAX = 400


class Resolver:
    """Resolves speaker mentions to the fullest mention of the same source in the article.

    Knows the article's speaker-like entities outside quotes (``Doc.ents`` are sorted and never
    overlap, so their starts and ends are both in order and found by binary search)."""

    def __init__(self, doc: Doc, text: str, quotes: Quotes, ents: Sequence[Span]):
        self.doc = doc
        self.text = text
        self.quotes = quotes
        self.ents = [e for e in ents if e.label_ in SPEAKER_LABELS and quotes.containing(e.start_char) is None]
        self.ent_starts = [e.start_char for e in self.ents]
        self.ent_ends = [e.end_char for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.person_ends = [e.end_char for e in self.persons]
        # every person mention by where it starts, those in quotes too (a speaker resolved to the fuller
        # name a quote gives is a person: see fullest)
        self.person_at = {e.start_char: e for e in ents if e.label_ == "PERSON"}
        # the people who are the subject of a clause ("Flynn met Kislyak"), the likeliest antecedents
        self.subjects = [e for e in self.persons if _is_subject(e)]
        self.subject_ends = [e.end_char for e in self.subjects]
        # "Mr. McKinley", "Ms. Martin": the article's own word for whether "he" or "she" can be them
        self.gender = {_surname(m.group(2)): "he" if m.group(1) == "Mr" else "she" for m in HONORIFIC.finditer(text)}
        # (label, surname) -> mentions, longest first — those inside quotes too: a name the article
        # first gives whole in a quote ("… senator, Bobby Scott!") is the name for the surname after it
        # ("Explained Qureshi", "Said Ellis": an inverted cue the NER took into the name is no fuller name
        # of Qureshi — QA, stop 51: "Qureshi said" was linked to it)
        named_anywhere = [
            e
            for e in ents
            if e.label_ in SPEAKER_LABELS and not (len(e) > 1 and e[0].lower_ in INVERTED_FORMS and e[0].is_title)
        ]
        self.mentions: dict[tuple[str, str], list[Span]] = {}
        for e in named_anywhere:
            self.mentions.setdefault((e.label_, _surname(e.text)), []).append(e)
        for same in self.mentions.values():
            same.sort(key=lambda e: -len(e.text))
        # where the body (past the headline: see ``body``) names each (label, surname), in text order:
        # a fuller name brought in only after the surname alone was used KNOWN times is another person
        # (see fullest)
        blank = text.find("\n\n")
        self.body = blank + 2 if 0 <= blank <= HEADLINE_MAX else self.paragraph_start(text.find("\n") + 1)
        self.named: dict[tuple[str, str], list[int]] = {}
        for e in named_anywhere:
            if e.start_char >= self.body:
                self.named.setdefault((e.label_, _surname(e.text)), []).append(e.start_char)

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
            return self.name_span(self.fullest(self.as_person(ent)))
        word = text.strip().lower()
        if word not in PRONOUNS:
            person = self.earlier_person(text.strip(), start)  # "Raman said", the NER found no name
            return self.name_span(person) if person is not None else None
        person = self.antecedent(start, previous, said, word) if PRONOUNS[word] == "PERSON" else None
        if person is not None:
            return self.name_span(self.fullest(person))
        if word in ("it", "its"):
            org = self.last_org(start)
            if org is not None:
                return self.name_span(self.fullest(org))
        resolved = previous.get("resolved") if previous is not None else None
        if resolved is None:
            return None
        a_person = resolved["start"] in self.person_at
        if (PRONOUNS[word] == "PERSON" or word == "i") and not a_person:
            # "he", "she" and "I" go on with the previous speaker only when that is a person (QA, stop
            # 50: a letter writer's "Not important enough, I guess" was America's)
            return None
        if word in ("they", "their") and a_person:
            return None  # one person is no "they" (re-test, stop 51: "They checked the Tribune" was Trump's)
        if word in ("i", "we") and self.quotes.containing(start) is None:
            # "I" or "we" outside any quote is the writer's own narration, not the last speaker's (re-test,
            # stop 51: an essayist's "I knew this hatred … was wrong" became Donald Trump's)
            return None
        return resolved

    def last_org(self, before: int) -> Span | None:
        """What "it" speaking stands for: the last organisation named before ``before`` in this
        paragraph or the one before ("… outside the Dallas Morning News after it backed Clinton")."""
        window = self.window_start(before)
        for i in range(bisect_right(self.ent_ends, before) - 1, -1, -1):
            ent = self.ents[i]
            if ent.start_char < window:
                break
            if ent.label_ == "ORG":
                return ent
        return None

    def name_span(self, ent: Span) -> SpanRef:
        """The mention as a name: without a possessive "’s" ("Donald Trump’s" -> "Donald Trump")."""
        end = ent.end_char
        if self.text[end - 2 : end] in ("’s", "'s") and end - 2 > ent.start_char:
            end -= 2
        return span(self.text, ent.start_char, end)

    def fullest(self, ent: Span) -> Span:
        """The longest mention of the same entity: same label, the same last word (surname) and every
        word of this one ("Wallace" -> "Ben Wallace"; "Bill Clinton" is not "Hillary Clinton") — but
        not a fuller name the body brings in only after it had used the surname :data:`KNOWN` times or
        more: that surname is someone the article takes as known, the fuller name another person (QA,
        stop 50: "Mr. Obama" said … 16 times, then "the first lady, Michelle Obama": every "Mr. Obama"
        became Michelle Obama). A name the parse split ("Rep. Robert C. "Bobby" Scott", then "Scott")
        still finds "Bobby Scott" two mentions on; a headline's mentions do not count."""
        words = _words(ent.text)
        key = (ent.label_, _surname(ent.text))
        named = self.named.get(key, [])
        for other in self.mentions.get(key, ()):
            if len(other.text) <= len(ent.text):
                break
            if words <= _words(other.text) and bisect_left(named, other.start_char) < KNOWN:
                return other
        return ent

    def as_person(self, ent: Span) -> Span:
        """``ent``, or the person it names where the NER gave a surname that speaks another label
        ("Lagarde" GPE, "Reyes" ORG after "Gov. Daniel Reyes"; QA, wire stories: linked to neither)
        (:meth:`earlier_person`)."""
        if ent.label_ == "PERSON" or len(ent) != 1:
            return ent
        person = self.earlier_person(ent.text, ent.start_char)
        if person is None or (ent.label_ == "ORG" and not _is_subject(person)):
            # an organisation named like a person is that person only if the person was the subject of
            # a clause before ("Gov. Daniel Reyes declared …"; review: "founded by Henry Ford" does not
            # make "Ford said it would recall …" Henry Ford's)
            return ent
        return person

    def earlier_person(self, word: str, at: int) -> Span | None:
        """The person a capitalised one-word name at ``at`` is the surname of: a longer name of a person
        the article's body gave before it (QA re-test: "Paris said it would retaliate" was Claude Paris,
        named after it — a place with a person's surname; a headline's word names no one yet)."""
        if not word[:1].isupper() or len(word.split()) != 1 or at < self.body:
            return None
        words = _words(word)
        key = ("PERSON", _surname(word))
        named = self.named.get(key, [])
        for other in self.mentions.get(key, ()):
            if (
                len(other) > 1
                and self.body <= other.start_char < at
                and words <= _words(other.text)
                and bisect_left(named, other.start_char) < KNOWN
            ):
                return other
        return None

    def person_named(self, name: str) -> Span | None:
        """The longest mention of a person whose last word is ``name``'s ("PENCE" or "Pence" -> "Mike
        Pence"), if the article has one. Of two people with one surname it is the longer name, whichever
        is meant."""
        same = self.mentions.get(("PERSON", _surname(name)))
        return same[0] if same else None

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
        window = self.window_start(before)
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

    def window_start(self, before: int) -> int:
        """Where the paragraph before the one holding ``before`` starts (past blank lines): how far back
        a pronoun looks for whom it stands for."""
        k = self.paragraph_start(before) - 1
        while k > 0 and self.text[k - 1].isspace():
            k -= 1
        return self.paragraph_start(max(k, 0))
