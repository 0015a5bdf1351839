"""Attribution read off a line's layout rather than its parse: a headline "Name: statement", a
transcript line "PENCE: …", "Name: “…”" and a quote signed after a dash "“…” ― Name".

Each pass adds claims through the attribution pass it is given (``attribution.AttributionPass``), after
the verb cues, so a quote a verb already attributed is left alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lexicon import HEADLINE_SOURCES

if TYPE_CHECKING:
    from .attribution import AttributionPass

#: a first line opening with a short phrase and a colon: "Sanders: …", "EXCLUSIVE – Roger Stone: …"
HEADLINE_COLON = re.compile(r"\s*([^\n:.!?“”\"]{2,60}?):[ \t]")
#: a transcript line: a speaker's name in capitals, a colon, what they said ("PENCE: Well, look, …")
TRANSCRIPT_LINE = re.compile(
    r"^[ \t]*[“\"]?((?:(?:MR|MS|MRS|DR)\.[ \t])?[A-Z][A-Z'’.-]+(?:[ \t][A-Z][A-Z'’.-]+){0,2}):[ \t]+(?=\S+\s+\S+\s+\S)",
    re.M,
)
#: a quote signed after a dash, the name ending its line or followed by a comma ("“…” ― Sonya Herridge")
SIGNED_QUOTE = re.compile(
    r"[ \t\u00a0]*([―—–])[ \t\u00a0]*([A-Z][\w.'’-]*(?:[ \t\u00a0]+[A-Z][\w.'’-]*){0,4}?)[.,]?[ \t\u00a0]*(?:\n|$|,)"
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
        who = found.resolver.last_within(found.paragraph(colon, colon)[0], colon)
        if who is not None:
            found.add(q, (colon, colon + 1), (who.start_char, who.end_char), "direct")


def transcript(found: AttributionPass) -> None:
    """ "PENCE: Well, look, …" — a line opening with a name in capitals and a colon: the rest of
    the line is what that person said, if the article names a person so ("Mike Pence")."""
    text = found.text
    for m in TRANSCRIPT_LINE.finditer(text):
        if m.start() == 0:
            continue  # the headline's
        person = found.resolver.named(text[m.start(1) : m.end(1)], ("PERSON",))
        if person is None:
            continue
        colon = m.end(1)
        line_end = found.paragraph(colon, colon)[1]
        refers = (person.start_char, person.end_char)
        found.add((m.end(), line_end), (colon, colon + 1), m.span(1), "direct", refers=refers)


def signed_quotes(found: AttributionPass) -> None:
    """ "“He represents our greatest shame.” ― Sonya Herridge" — a quote opening its line and signed
    after a dash with a name that ends the line (or is followed by a comma and who they are)."""
    text = found.text
    for q in found.quotes:
        if q in found.used_quotes:
            continue
        line_start, line_end = found.paragraph(q[0], q[0])
        if text[line_start : q[0]].strip() or q[1] >= line_end:
            continue
        m = SIGNED_QUOTE.match(text, q[1])
        if m is not None and m.end(2) <= line_end:
            found.add(q, m.span(1), m.span(2), "direct")


def headline(found: AttributionPass) -> None:
    """ "Paul Ryan: FBI Decision Not to Indict Hillary ‘Defies Explanation’": the article's first
    line opens with a short phrase ending in a person's or organisation's name, then a colon; the
    rest of the line is what they say."""
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
    line_end = text.find("\n", colon)
    line_end = len(text) if line_end < 0 else line_end
    if len(text[colon + 1 : line_end].split()) < 3:
        return
    if names:
        found.add((colon + 1, line_end), (colon, colon + 1), (names[-1].start_char, names[-1].end_char))
        return
    phrase = m.group(1).split()
    who = (m.end(1) - len(m.group(1).lstrip()), colon)
    if 1 <= len(phrase) <= 3 and phrase[-1].lower() in HEADLINE_SOURCES:  # "Poll: Clinton and Trump in …"
        found.add((colon + 1, line_end), (colon, colon + 1), who)
    elif len(phrase) == 1:  # "Pence: …" where the parse found no name: a source the article names so
        named = found.resolver.named(phrase[0], ("PERSON", "ORG"))
        if named is not None:
            refers = (named.start_char, named.end_char)
            found.add((colon + 1, line_end), (colon, colon + 1), who, refers=refers)
