"""Attribution read off a line's layout rather than its parse: a headline "Name: statement", a
transcript line "PENCE: …", "Name: “…”", a paragraph a colon introduces ("He said:") and a quote
signed after a dash "“…” ― Name".

Each pass adds claims through the attribution pass it is given (``attribution.AttributionPass``), after
the verb cues: "Name: “…”" and a signed quote leave a quote a verb already attributed alone; a verb's
claim inside a transcript line or a headline's statement is part of that statement (``_outermost``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from .cues import DOUBT
from .lexicon import CUE_LEMMAS, HEADLINE_SOURCES, NAME_PARTICLES, STORY_LABELS
from .speakers import INVERTED_FORMS, speaker_span
from .syntax import subject

if TYPE_CHECKING:
    from .attribution import AttributionPass

#: a first line opening with a short phrase and a colon: "Sanders: …", "EXCLUSIVE – Roger Stone: …"
HEADLINE_COLON = re.compile(r"\s*([^\n:.!?“”\"]{2,60}?):[ \t]")
_SPACE = r"[ \t\u00a0]"
_WORD = r"[^\W\d_][\w'’.-]*"  # a word opening with a letter, any script
#: a transcript line: a speaker's name in capitals (checked in code), a colon, then at least three words
#: on the line, the first a word or a quote ("PENCE: Well, look, …", "“WALLACE: Do you …")
TRANSCRIPT_LINE = re.compile(
    rf"^{_SPACE}*([“\"]?)((?:(?:MR|MS|MRS|DR)\.{_SPACE})?{_WORD}(?:{_SPACE}{_WORD}){{0,2}}):{_SPACE}+"
    rf"(?=(?:[^\W\d_]|[“\"‘']){_SPACE}*\S*{_SPACE}+\S+{_SPACE}+\S)",
    re.M,
)
#: a quote signed after a dash, the name ending its line or followed by a comma ("“…” ― Sonya Herridge")
SIGNED_QUOTE = re.compile(rf"{_SPACE}*([―—–]){_SPACE}*({_WORD}(?:{_SPACE}+{_WORD}){{0,4}}?)[.,]?{_SPACE}*(?:\n|$|,)")
#: a colon ending a paragraph, then (after blank lines) the paragraph it introduces
LEAD_IN = re.compile(r":[ \t\u00a0]*\r?\n(?:[ \t\u00a0]*\r?\n)*[ \t\u00a0]*(?=\S)")
#: what opens a line before a quote that opens it
LEADING_SPACE = re.compile(r"\s*")
_CAP = "[A-ZÀ-ÖØ-Þ]"  # a capital, accented ones too ("ZÜRICH")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
#: a wire story's dateline opening a paragraph: a place in capitals, perhaps a state or country and a
#: date, then the agency in brackets and/or a dash ("BERLIN, March 12 (Reuters) - ", "ALLENTOWN, Pa.
#: (AP) — ", "WASHINGTON -- "), or a run-in heading in capitals and a dash ("QUESTIONABLE CLAIMS — ")
DATELINE = re.compile(
    rf"^{_SPACE}*{_CAP}[A-Z'’.&À-ÖØ-Þ-]+(?:{_SPACE}+{_CAP}[A-Z'’.&À-ÖØ-Þ-]+)*"
    rf"(?:,{_SPACE}+[A-Z][\w.]*(?:{_SPACE}+[A-Z][\w.]*)?)?"
    rf"(?:,?{_SPACE}+{_MONTH}{_SPACE}+\d{{1,2}})?"
    rf"(?:{_SPACE}*\([^()\n]{{1,30}}\){_SPACE}*(?:[-–—]{{1,2}}|:){_SPACE}*"
    rf"|{_SPACE}*(?:[–—]|--|{_SPACE}-){_SPACE}+(?=[A-Z“\"‘']))",
    re.M,
)
#: a dateline with no agency in brackets is a place of four letters or more ("UK – EU talks …" is a
#: headline's statement, not a dateline)
DATELINE_LETTERS = 4


def dateline_end(text: str, start: int, paragraph_start: int) -> int | None:
    """Where a content starting at ``start`` should start instead when it takes in (part of) the
    dateline opening its paragraph (QA, wire stories: "March 12 (Reuters) - Germany will cut …",
    "Reuters) – Britain will …"); None when it does not."""
    m = DATELINE.match(text, paragraph_start)
    if m is None or not (paragraph_start <= start < m.end()):
        return None
    if "(" not in m.group():
        if sum(ch.isalpha() for ch in m.group()) < DATELINE_LETTERS:
            return None
        # one word in capitals and a dash ("WASHINGTON -- ") is a dateline only in the story's lead,
        # after its headline (QA re-test: "NATO - The alliance …" later on lost its first word);
        # a heading of several ("QUESTIONABLE MEDICAL CLAIMS — ") anywhere
        if len(m.group().split()) <= 2 and sum(1 for line in text[:paragraph_start].splitlines() if line.strip()) > 3:
            return None
    return m.end()


#: a line opening with an inverted verb of saying and up to five words, up to the colon before a quote
#: ("Added Ellis", "Said a spokesman"), perhaps with an apposition ("Added Ellis, the union's leader")
INVERTED_LINE = re.compile(
    rf"{_SPACE}*({'|'.join(sorted(f.capitalize() for f in INVERTED_FORMS))}){_SPACE}+"
    rf"({_WORD}(?:{_SPACE}+{_WORD}){{0,4}})(?:,[^:\n“”\"]{{1,80}})?{_SPACE}*(?=:)"
)
#: a colon at the end of the text before a quote ("Stone: “I think …”")
COLON_BEFORE = re.compile(r":\s{0,2}$")


def colon_quotes(found: AttributionPass) -> None:
    """ "Stone: “I think …”" — a colon right before a quote, a speaker named before it on its line."""
    text = found.text
    for q in found.quotes:
        if q in found.used_quotes:
            continue
        head = text[max(0, q[0] - 120) : q[0]]
        m = COLON_BEFORE.search(head)
        if not m:
            continue
        colon = q[0] - len(head) + m.start()
        line_start = found.paragraph(colon, colon)[0]
        inverted = _inverted(found, line_start, colon)
        if inverted is not None:
            # "Added Ellis, a Labour MP: “…”": the name after the verb speaks — QA: with no name the NER
            # found there was no claim, and with one in the apposition ("Labour") it spoke
            found.add(q, inverted.span(1), inverted.span(2), "direct")
            continue
        who = found.resolver.last_within(line_start, colon)
        if who is None:
            continue
        # "Said Ellis: “…”" — the NER took the inverted cue into the name (QA): `add` makes the verb the cue
        found.add(q, (colon, colon + 1), (who.start_char, who.end_char), "direct")


def _inverted(found: AttributionPass, line_start: int, colon: int) -> re.Match[str] | None:
    """The sentence before ``colon`` as "Said|Added … Name[, apposition]" (:data:`INVERTED_LINE`), from
    its line's start or its own; the name capitalised or a phrase with an article ("Added bonus:" is
    no one's)."""
    starts = {line_start}
    tokens = found.doc.char_span(colon, colon + 1, alignment_mode="expand")
    if tokens is not None and tokens[0].sent.start_char > line_start:
        starts.add(tokens[0].sent.start_char)
    for start in sorted(starts):
        inverted = INVERTED_LINE.match(found.text, start, colon + 1)
        if inverted is None:
            continue
        name = inverted.group(2)
        if name[:1].isupper() or name.split()[0].lower() in ("a", "an", "the"):
            return inverted
    return None


def transcript(found: AttributionPass) -> None:
    """ "PENCE: Well, look, …" — lines opening with a name and a colon, by at least two names (an
    interview has two sides): the rest of a line is what its person said, where the article names a
    person so ("Mike Pence"). A name in capitals counts as a side whoever it is; one in ordinary case
    ("Matthews: Here's the irony …") only if the article names that person and opens two lines or
    more with it: "Note: …" makes no transcript, nor section heads ("Sanders: Win in a walk.",
    "Cruz: Just hang on.": each candidate once). ("Q: …" and "A: …" lines are left alone: as one rule
    they lost more matches on PolNeAR train than they made.)"""
    text = found.text
    lines = []  # (match, person, whether the label is in capitals)
    capitals: set[str] = set()
    turns: Counter[str] = Counter()  # lines per person named in ordinary case
    for m in TRANSCRIPT_LINE.finditer(text):
        label = m.group(2)
        if m.start() == 0 or sum(ch.isalpha() for ch in label) < 2:
            continue  # the first line is the headline's
        person = found.resolver.person_named(label)
        upper = label.upper() == label
        if upper:
            capitals.add(label)
        elif person is None or (len(label.split()) > 1 and person.text != label):
            continue  # "Labor Secretary: …" is no name the article gives a person
        else:
            turns[person.text] += 1
        if person is not None:
            lines.append((m, person, upper))
    talking = {who for who, n in turns.items() if n >= 2}
    people = talking | {person.text for _, person, upper in lines if upper}
    if len(capitals) < 2 and len(people) < 2:
        return  # one name's "CLINTON: …" lines are a list or a label more often than an interview
    for m, person, upper in lines:
        if not upper and person.text not in talking:
            continue
        colon = m.end(2)
        end = found.paragraph(colon, colon)[1]
        said = text[m.end() : end].rstrip()
        if m.group(1) and said[-1:] in ("”", '"'):  # “PENCE: … debate.” — the line's quote marks are not his
            end = m.end() + len(said) - 1
        refers = (person.start_char, person.end_char)
        found.add((m.end(), end), (colon, colon + 1), m.span(2), "direct", refers=refers)


def lead_ins(found: AttributionPass) -> None:
    """ "The New York Times reports:" or "He said:" ending a paragraph, what was said the next one
    ("“In an illustration of …”"): the verb the colon closes is the cue (a verb of saying, or one the
    cue model does not reject, with a subject: "See the photos below:" says nothing), its subject the
    speaker, the next paragraph the content — the quote that opens it, if one does ("“We will win,”
    and then he left the stage"). Not a paragraph with a cue of its own ("“…,” she told reporters")
    nor one that itself ends with a colon."""
    doc, text = found.doc, found.text
    threshold = found.models.cues.scalar("threshold")
    for m in LEAD_IN.finditer(text):
        colon, para = m.start(), m.end()
        tokens = doc.char_span(colon, colon + 1, alignment_mode="expand")
        if tokens is None or para >= len(text):
            continue
        verb = tokens[0].sent.root
        if verb.pos_ != "VERB" or verb.idx < found.paragraph(colon, colon)[0]:
            continue
        subj = subject(verb)
        if subj is None:
            continue
        if verb.lemma_.lower() not in CUE_LEMMAS and found.cue_score(verb) < threshold - DOUBT:
            continue  # "Cruz continued:" is a cue the cue model allows; "Wait, it gets better:" is not
        p_start, p_end = found.paragraph(para, para)
        if text[p_start:p_end].rstrip().endswith(":") or found.has_cue_within(p_start, p_end):
            continue
        if any(found.cue_score(t) >= threshold for t, _ in found.verbs_with_subjects(p_start, p_end)):
            continue  # the paragraph says who says it
        opening = found.quotes.containing(para)
        content = opening if opening is not None and opening[0] == para else (p_start, p_end)
        cue = (verb.idx, verb.idx + len(verb.text))
        found.add(content, cue, speaker_span(subj), below=True)


def signed_quotes(found: AttributionPass) -> None:
    """ "“He represents our greatest shame.” ― Sonya Herridge" — a quote that opens its line and ends
    a sentence, signed after a dash with a name that ends the line (or is followed by a comma and who
    they are). A quote that ends mid-sentence ("“Yes we can” – Obama, then a senator, made …") is
    not signed."""
    text = found.text
    for q in found.quotes:
        if q in found.used_quotes:
            continue
        line_start, line_end = found.paragraph(q[0], q[0])
        if q[1] >= line_end or LEADING_SPACE.fullmatch(text, line_start, q[0]) is None:  # fails at the first word
            continue
        if not text[q[0] : q[1]].rstrip("”\"'» ").endswith((".", "!", "?", "…")):
            continue
        m = SIGNED_QUOTE.match(text, q[1])
        if m is None or m.end(2) > line_end:
            continue
        words = m.group(2).split()
        if all(w[0].isupper() or w in NAME_PARTICLES for w in words) and words[-1][0].isupper():
            found.add(q, m.span(1), m.span(2), "direct")


def headline(found: AttributionPass) -> None:
    """ "Paul Ryan: FBI Decision Not to Indict Hillary ‘Defies Explanation’": the article's first
    line opens with a short phrase ending in a person's or organisation's name, then a colon; the
    rest of the line is what they say. Also "Poll: …" (a source noun) and "Pence: …" where the parse
    found no name but the article names a person so in more words ("Mike Pence")."""
    text = found.text
    m = HEADLINE_COLON.match(text)
    if m is None:
        return
    colon = m.end(1)
    names = [
        e
        for e in found.resolver.within(m.start(1), colon)
        if not text[e.end_char : colon].strip() and e.label_ in ("PERSON", "ORG")
    ]
    line_end = found.paragraph(colon, colon)[1]
    if len(text[colon + 1 : line_end].split()) < 3:
        return
    if names:
        found.add((colon + 1, line_end), (colon, colon + 1), (names[-1].start_char, names[-1].end_char))
        return
    group = m.group(1)
    phrase = group.split()
    who = (m.start(1) + len(group) - len(group.lstrip()), m.start(1) + len(group.rstrip()))
    lower = [w.lower() for w in phrase]
    if 1 <= len(phrase) <= 3 and lower[-1] in HEADLINE_SOURCES and not STORY_LABELS & set(lower):
        found.add((colon + 1, line_end), (colon, colon + 1), who)  # "Poll: Clinton and Trump in …"
    elif 1 <= len(phrase) <= 3:  # (a line of spaces before a colon has no phrase: review)
        # "Pence: …", "ECB's Lagarde: …" (QA, wire stories: the NER made "Lagarde" a place) — the last
        # word is a person the article names in more words
        person = found.resolver.person_named(phrase[-1])
        if person is not None and len(person.text.split()) > 1 and phrase[-1][:1].isupper():
            refers = (person.start_char, person.end_char)
            found.add((colon + 1, line_end), (colon, colon + 1), who, refers=refers)
