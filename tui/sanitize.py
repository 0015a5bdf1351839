"""Outside text made safe to show in a terminal: the one sanitising step for every output surface.

Article text, labels, reviewer names, ids, file names and messages quoting them all reach the screen
(the app, ``status``, ``add``'s report lines, error messages) through :func:`clean` or
:func:`clean_line`.  A terminal interprets C0/C1 control characters and escape sequences (an OSC 52
writes the user's clipboard, an OSC 0 the window title) and reorders text around bidirectional
controls ("Trojan source"); Rich strips some of these but not an OSC ended by ``ESC \\``.  Here each
such character becomes a visible symbol of the same length, so offsets into an article still index
the displayed string one for one:

- C0 controls other than newline → the Control Pictures block (ESC → ``␛``), tab → a space;
- DEL → ``␡``; C1 controls (U+0080–U+009F, among them the 8-bit CSI and OSC) → ``�``;
- bidirectional embeddings, overrides, isolates and marks → ``�``;
- the line and paragraph separators U+2028/U+2029 → ``␤`` (Rich and terminals disagree on them);
- lone surrogates (from JSON such as ``"\\ud800"``; unencodable) → ``�``.

:func:`escape_json` does the lossless counterpart for JSON written to stdout or files: the same
characters become ``\\uXXXX`` escapes, which every JSON reader turns back into the original text.

Never imports Textual or spaCy.
"""

from __future__ import annotations

import codecs
import re

REPLACEMENT = "\ufffd"

_TABLE: dict[int, str] = {i: chr(0x2400 + i) for i in range(0x20)}  # ␀…␟
_TABLE[0x09] = " "
_TABLE[0x7F] = "␡"
_TABLE.update({i: REPLACEMENT for i in range(0x80, 0xA0)})
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE.update({i: REPLACEMENT for i in _BIDI})
_TABLE[0x2028] = "␤"
_TABLE[0x2029] = "␤"
_TABLE.update({i: REPLACEMENT for i in range(0xD800, 0xE000)})

_KEEP_NEWLINE = dict(_TABLE)
del _KEEP_NEWLINE[0x0A]
_ONE_LINE = dict(_TABLE)
_ONE_LINE[0x0A] = "⏎"

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]")
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]")

_KEEP_TABLE = str.maketrans(_KEEP_NEWLINE)
_LINE_TABLE = str.maketrans(_ONE_LINE)


def clean(text: object) -> str:
    """``text`` (any object, shown as ``str``) with every character a terminal would interpret
    replaced by a visible symbol; newlines kept. Same length as ``str(text)``."""
    s = text if isinstance(text, str) else str(text)
    if _UNSAFE_BUT_NEWLINE.search(s) is None:
        return s
    return s.translate(_KEEP_TABLE)


def clean_line(text: object, limit: int | None = None) -> str:
    """Like :func:`clean`, on one line (a newline shows as ``⏎``), cut to ``limit`` characters with
    an ellipsis. Not length-preserving when cut."""
    s = text if isinstance(text, str) else str(text)
    if _UNSAFE.search(s) is not None:
        s = s.translate(_LINE_TABLE)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s


def escaped(text: str, limit: int | None = None) -> str:
    """``text`` with every character that does not print (controls, format characters such as
    U+200B, separators other than the space) as a ``\\uXXXX`` escape: for a message that refuses a name
    for holding one, so that the reader sees where it is."""
    s = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}" for c in text)
    return clean_line(s, limit)


def is_clean(text: str) -> bool:
    """True if ``text`` holds nothing :func:`clean` would replace (newlines allowed)."""
    return _UNSAFE_BUT_NEWLINE.search(text) is None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _utf16_escape(match: re.Match[str]) -> str:
    raw = match.group().encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{int.from_bytes(raw[i : i + 2], 'big'):04x}" for i in range(0, len(raw), 2))


def json_for(stream: object, serialised: str) -> str:
    """:func:`escape_json` for writing to ``stream``; when that stream's encoding is no UTF-8 (a C or
    Latin-1 locale), every character past ASCII is written as ``\\uXXXX`` too — the same JSON value,
    which any ASCII-based encoding holds (QA: two reviewers, "Zoë" and "Zoé", were both "Zo?" in
    ``status --json``, and a Latin-1 stream got bytes no JSON parser reads)."""
    text = escape_json(serialised)
    return text if writes_utf8(stream) or _NON_ASCII.search(text) is None else _NON_ASCII.sub(_utf16_escape, text)


def writes_utf8(stream: object) -> bool:
    """Whether text written to ``stream`` is encoded as UTF-8 (a stream without an encoding: assumed)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def escape_json(serialised: str) -> str:
    """Serialised JSON with C1 controls, DEL, bidirectional controls, U+2028/U+2029 and lone
    surrogates written as ``\\uXXXX`` escapes: the same JSON value, safe to print and to split on
    newlines. (``json.dumps`` escapes C0 controls itself.)"""
    if _JSON_UNSAFE.search(serialised) is None:
        return serialised
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", serialised)
