"""Hard-wrapped text: which line breaks are the wrap's, not the writer's.

Plain text from e-mail, wire archives, PDFs and old web pages is often wrapped at a fixed width (72
columns, 80, …): a paragraph runs over several lines. The pipeline reads a line break as the end of a
sentence (``components.paragraphs``) and a quote as ending with its line (``quotes``), so on such text
every line would be a sentence and a quote wrapped onto a second line would be cut.

``soft_breaks`` finds the breaks a reflow would remove, by the rule a wrapping editor follows: a line
is broken only when the next word would not have fitted. Given the text's wrap width ``W``, the
break after a line is soft when that line, a space and the first word of the next line would be
longer than ``W``. A break before a blank line, an indented line, a list item, a dash or a
transcript's "NAME:" is the writer's. Text is taken as wrapped only when it has a width to
speak of (most lines at least 0.6 × ``W``, ``W`` at most 120) and most of its breaks fit the rule;
otherwise (one paragraph a line, as news sites give) no break is soft. The text's first line is
joined to the next only when that one goes on in lower case (else it is taken for a headline with
its story below it).

What the rule cannot tell: lines of a regular metre (a sonnet's) or a run of one-sentence lines of
nearly the same length look wrapped; and a space stands where the wrap was, also where the writer
would have joined without one (a word hyphenated across lines, "well- known"; Chinese or Japanese
text) — the length must stay the same for the offsets to hold.

``unwrapped`` gives the text with each soft break turned into a space: the same length, so every
offset found in it holds for the text itself. The extraction, the claim editor's fields and the
review screen (its pane, lists, find and dialogs) read it; what is stored and exported is the text as
it was, line breaks included.
"""

from __future__ import annotations

import re

#: widths beyond this are no wrap: a news site's one paragraph a line
MAX_WIDTH = 120
#: lines of a wrapped text, and soft breaks, needed before a text counts as wrapped
MIN_LINES = 4
#: a line starting with any of these begins something of its own (a list item, an indented
#: paragraph, a signature, a table row)
_OWN_START = re.compile(
    r"[ \t\u00a0]|[-*•·–—―>|#+]\s|\d{1,3}[.)]\s|[A-Z][A-Z .'-]{1,30}:\s|(?:[A-Z][\w.'’-]*\s?){1,3}:\s"
)
#: a line that is a heading of its own: markdown's "# …"
_HEADING = re.compile(r"#{1,6}\s")
_FIRST_WORD = re.compile(r"\S+")
#: an e-mail reply's quotation marks at the start of a line: "> ", ">> ", "> > "
_QUOTED = re.compile(r"(?:>[ \t]?)+")
#: a line break and the quotation marks that follow it (a name a wrap cut inside a quoted reply)
_BREAK = re.compile(r"\n(?:>[ \t]?)*")


def _width(lengths: list[int]) -> int:
    """The wrap width: the length that 90 % of the lines (other than a paragraph's last) reach at
    most — robust to a stray long line (a URL) in a wrapped text."""
    ordered = sorted(lengths)
    return ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)]


def soft_breaks(text: str) -> list[int]:
    """Indices of the ``\\n`` characters in ``text`` that a reflow would turn into spaces."""
    return [at for at, _ in _soft(text)]


def _soft(text: str) -> list[tuple[int, int]]:
    """Each soft break as (its ``\\n``, the end of the quotation marks of an e-mail reply's line after
    it: they go with the break, "would⏎> send" reads "would   send")."""
    lines = text.split("\n")
    if len(lines) < MIN_LINES:
        return []
    # a line's quotation marks ("> ", ">> ") and what follows them: the lines of a quoted reply are
    # wrapped like any other, each with the marks in front
    marks = [m.group() if (m := _QUOTED.match(line)) else "" for line in lines]
    bodies = [line[len(mark) :] for line, mark in zip(lines, marks, strict=True)]
    starts: list[int] = []
    at = 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    # a break is a candidate when a non-blank line follows a non-blank line at the same quoting depth
    candidates = [
        i
        for i in range(len(lines) - 1)
        if bodies[i].strip() and bodies[i + 1].strip() and marks[i].replace(" ", "") == marks[i + 1].replace(" ", "")
    ]
    if len(candidates) < MIN_LINES:
        return []
    width = _width([len(lines[i].rstrip()) for i in candidates])
    if width > MAX_WIDTH or width < 20:
        return []
    soft: list[tuple[int, int]] = []
    fitting = 0
    first = next(i for i, line in enumerate(lines) if line.strip())
    for i in candidates:
        line, following = lines[i].rstrip(), bodies[i + 1]
        word = _FIRST_WORD.match(following)
        if word is None or _OWN_START.match(following) or _HEADING.match(bodies[i]):
            continue
        if i == first and not following.lstrip()[:1].islower():
            continue  # a headline with its story right below it, not a paragraph's first line
        if len(line) + 1 + len(word.group()) > width and len(line) >= 0.6 * width:
            fitting += 1
            soft.append((starts[i] + len(lines[i]), starts[i + 1] + len(marks[i + 1])))
    # wrapped text: most of its breaks inside a block are the wrap's
    if fitting < MIN_LINES or fitting < 0.6 * len(candidates):
        return []
    return soft


def unwrapped(text: str) -> str:
    """``text`` with its soft line breaks as spaces (the same length and offsets); in a quoted reply
    the quotation marks after a soft break are spaces too."""
    breaks = _soft(text)
    if not breaks:
        return text
    chars = list(text)
    for start, end in breaks:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def unbroken(name: str) -> str:
    """A name a wrap cut ("Michael⏎Flynn", "Michael⏎> Flynn" in a quoted reply) on one line; any
    other name as it is."""
    return " ".join(_BREAK.sub(" ", name).split()) if "\n" in name else name


def as_line(original: str, flow: str) -> str:
    """A slice of a text as its ``flow`` (the same slice of :func:`unwrapped`) reads it, for showing on
    one line: each soft break, with the quotation marks a quoted reply has after it, one space
    ("would⏎> send" is "would send"); a writer's line break stays."""
    if len(original) != len(flow) or "\n" not in original:
        return flow
    out: list[str] = []
    i = 0
    while i < len(flow):
        out.append(flow[i])
        if original[i] == "\n" and flow[i] == " ":
            i += 1
            while i < len(flow) and original[i] in "> \t" and flow[i] == " ":
                i += 1
            continue
        i += 1
    return "".join(out)


def hard_wrap(text: str, width: int) -> str:
    """The inverse, for measuring and testing: each line of ``text`` wrapped greedily at ``width``
    columns by turning the space before a word that would not fit into a line break (the same
    length, every offset kept)."""
    chars = list(text)
    at = 0
    for line in text.split("\n"):
        column = 0
        for i, ch in enumerate(line):
            column += 1
            if ch == " " and column > 1:
                word_end = line.find(" ", i + 1)
                word_end = len(line) if word_end < 0 else word_end
                if column - 1 + (word_end - i) > width:
                    chars[at + i] = "\n"
                    column = 0
        at += len(line) + 1
    return "".join(chars)
