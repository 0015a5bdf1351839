"""Strict JSON in, checked fields out: the parsing and field rules every input path shares.

Everything that reads JSON or accepts a short field from outside (article files, ``apply`` lines,
labels typed in the app, ``--reviewer``) goes through here, so a value that one path refuses is
refused by all of them.

JSON (:func:`loads`) is parsed by orjson, which already rejects what the standard library lets
through: ``NaN``/``Infinity``, lone UTF-16 surrogates (``"\\ud800"``), invalid UTF-8, numbers that
overflow a double, and nesting past 1,024 levels.  On top of it:

- nesting deeper than :data:`MAX_DEPTH` levels is refused here (a walk over the parsed value, never a
  ``RecursionError``);
- a leading byte order mark is ignored (RFC 8259 allows a parser to);
- the error is one short line saying what is wrong and where: the field (``spans[2].label``) when the
  value can be located, else the line and column (characters, 1-based);
- duplicate keys are allowed, the last one wins (orjson's behaviour, and the standard library's);
- integers outside the 64-bit range are read as floats (orjson's behaviour).

Lines (:func:`iter_lines`) are split on ``\\n`` only: JSON text may hold U+2028, U+0085, form feeds
and other characters that ``str.splitlines`` treats as line breaks.

Field checks (:func:`check_label`, :func:`check_identifier`, :func:`check_text_field`,
:func:`check_reviewer`, :func:`check_article_text`, :func:`check_meta`) return the value or raise
:class:`FieldError` naming the field.  "Control characters" are the characters a terminal interprets
or reorders, the same set ``tui.sanitize`` makes visible: C0 and C1 controls, DEL, the bidirectional
controls, U+2028/U+2029, and lone surrogates.

Imports neither spaCy nor Textual.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator
from typing import overload

import orjson

from .records import MAX_ARTICLE_CHARS

#: Containers nested deeper than this are refused. An article record needs 3 (record, spans, span);
#: a .json list of records 4; the rest is room for ``meta``.
MAX_DEPTH = 64
#: An entity label (imported ``spans[].label``, set by ``apply`` or in the app): shown on screen, used as a key.
MAX_LABEL_CHARS = 64
#: Article and candidate ids.
MAX_ID_CHARS = 200
#: An article title given in the input.
MAX_TITLE_CHARS = 1_000
#: ``source``, ``url``, ``published``.
MAX_FIELD_CHARS = 2_000
#: ``meta`` (with the unknown top-level fields of a record), serialised as compact JSON, in bytes.
MAX_META_BYTES = 64 * 1024
#: A reviewer name names a journal file: at most this many characters ...
MAX_REVIEWER_CHARS = 64
#: ... and this many UTF-8 bytes, so a file name built from it stays under the usual 255-byte limit.
MAX_REVIEWER_BYTES = 192

_CONTROL = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
_CONTROL_BUT_NL_TAB_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Refused in reviewer names besides the path separators: what Windows and SMB shares refuse in file names.
_NOT_IN_FILE_NAMES = '/\\<>:"|?*'
_BOM = "\ufeff"


class JSONInputError(ValueError):
    """JSON that is refused. ``reason`` says what is wrong; ``field`` (a path such as ``spans[2].label``),
    ``line`` and ``column`` (1-based, characters) say where, when known."""

    def __init__(self, reason: str, *, field: str | None = None, line: int | None = None, column: int | None = None):
        self.reason = reason
        self.field = field
        self.line = line
        self.column = column
        super().__init__(str(self))

    @property
    def where(self) -> str:
        """Line and column as words ("line 3, column 7" or "column 7"), or "" when not known."""
        if self.column is None:
            return ""
        if self.line is not None and self.line > 1:
            return f"line {self.line}, column {self.column}"
        return f"column {self.column}"

    def __str__(self) -> str:
        if self.field is not None:
            return f"field '{self.field}': {self.reason}"
        return f"{self.reason} ({self.where})" if self.where else self.reason


class FieldError(ValueError):
    """A field value that is refused; ``str()`` is ``field 'NAME': MESSAGE``."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"field '{field}': {message}")


# --------------------------------------------------------------------------------------------- JSON


class _Bad:
    """Stands in for a number or constant JSON does not allow, when the lenient parser locates problems."""

    def __init__(self, token: str):
        self.token = token

    @property
    def reason(self) -> str:
        if self.token in ("NaN", "Infinity", "-Infinity"):
            return f"{self.token} is not a JSON number"
        shown = self.token if len(self.token) <= 24 else self.token[:20] + "…"
        return f"number {shown} is out of range"


def _lenient_float(token: str) -> float | _Bad:
    value = float(token)
    return value if math.isfinite(value) else _Bad(token)


def _lenient_int(token: str) -> int | float | _Bad:
    if len(token) > 40:  # far past 64 bits; int() would refuse beyond 4,300 digits anyway
        return _lenient_float(token)
    value = int(token)
    if -(2**63) <= value < 2**64:
        return value
    return _lenient_float(token)  # orjson reads these as floats


_LENIENT = json.JSONDecoder(parse_float=_lenient_float, parse_int=_lenient_int, parse_constant=_Bad)


def _path_part(key: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]{0,63}", key):
        return "." + key
    shown = json.dumps(key if len(key) <= 40 else key[:40] + "…")  # ASCII: escapes controls and surrogates
    return f"[{shown}]"


def _join(path: str, part: str) -> str:
    joined = path + part
    return joined[1:] if joined.startswith(".") else joined


def _describe_surrogate(s: str) -> str:
    m = _SURROGATE_RE.search(s)
    code = f"U+{ord(m.group()):04X}" if m else "U+D800..U+DFFF"
    return f"lone surrogate {code} (half of a UTF-16 pair, not a character)"


def _find_problem(value: object, path: str = "", *, depth: int = 1) -> tuple[str, str] | None:
    """The first (in document order) refused thing in a parsed value: (field path, reason), or None.

    Checks nesting (``depth`` is the level of ``value`` itself), lone surrogates in strings and keys,
    and the stand-ins for NaN/Infinity and out-of-range numbers the lenient parser leaves. Iterative:
    any depth is safe. The path is "" for the value itself; a too-deep container is named by its
    first two steps below ``path``, anything else by its full path (cut at :data:`_MAX_PATH_STEPS`)."""
    stack: list[tuple[object, str, int, str]] = [(value, path, depth, path)]
    while stack:
        obj, where, level, short = stack.pop()
        if isinstance(obj, dict | list) and level > MAX_DEPTH:
            return short, f"nested deeper than {MAX_DEPTH} levels"
        steps = level - depth
        if isinstance(obj, dict):
            children: list[tuple[object, str, int, str]] = []
            for key, item in obj.items():
                if _SURROGATE_RE.search(key):
                    return where, "a key holds a " + _describe_surrogate(key)
                step = _step(where, _path_part(key), steps)
                children.append((item, step, level + 1, step if steps < 2 else short))
            stack.extend(reversed(children))
        elif isinstance(obj, list):
            for i in range(len(obj) - 1, -1, -1):
                step = _step(where, f"[{i}]", steps)
                stack.append((obj[i], step, level + 1, step if steps < 2 else short))
        elif isinstance(obj, str):
            if _SURROGATE_RE.search(obj):
                return where, _describe_surrogate(obj)
        elif isinstance(obj, _Bad):
            return where, obj.reason
    return None


_MAX_PATH_STEPS = 8


def _step(path: str, part: str, steps: int) -> str:
    if steps < _MAX_PATH_STEPS:
        return _join(path, part)
    return path if path.endswith("…") else path + "…"


def _too_deep(value: object, path: str = "", *, depth: int = 1) -> str | None:
    """Where a container nests deeper than :data:`MAX_DEPTH` (the path to it, cut after two steps
    below ``path``), or None. ``depth`` is the level of ``value``. Visits only containers; iterative."""
    stack: list[tuple[object, int, str, int]] = [(value, depth, path, 0)]
    while stack:
        obj, level, where, steps = stack.pop()
        if level > MAX_DEPTH:
            return where
        if isinstance(obj, dict):
            for key, item in obj.items():
                if isinstance(item, dict | list):
                    step = _join(where, _path_part(key)) if steps < 2 else where
                    stack.append((item, level + 1, step, steps + 1))
        elif isinstance(obj, list):
            for i, item in enumerate(obj):
                if isinstance(item, dict | list):
                    stack.append((item, level + 1, f"{where}[{i}]" if steps < 2 else where, steps + 1))
    return None


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _as_text(data: str | bytes) -> str:
    """``data`` as str for diagnosis; raises JSONInputError for invalid UTF-8."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        head = data[: err.start].decode("utf-8", "replace")
        line, column = _position(head, len(head))
        raise JSONInputError(f"not UTF-8 (byte 0x{data[err.start]:02x})", line=line, column=column) from None


def _strip_bom(data: str | bytes) -> str | bytes:
    if isinstance(data, bytes):
        return data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return data[1:] if data.startswith(_BOM) else data


_RECOVERABLE = ("surrogate", "infinity when parsed", "not valid UTF-8")


def _parse(data: str | bytes) -> tuple[object, JSONInputError | None]:
    """Parse with orjson. Returns (value, None); or, when orjson refused a value that can be located
    (lone surrogate, NaN/Infinity, number out of range), (the leniently parsed value, orjson's
    refusal) so the caller can name the field. Anything else raises JSONInputError."""
    data = _strip_bom(data)
    try:
        return orjson.loads(data), None
    except orjson.JSONDecodeError as err:
        msg, pos = err.msg, err.pos
    text = _as_text(data)  # invalid UTF-8 raises here, with its position
    line, column = _position(text, min(pos, len(text)))
    if msg == "depth limit exceeded":
        raise JSONInputError(f"nested deeper than {MAX_DEPTH} levels", line=line, column=column)
    if msg in ("Input is a zero-length, empty document", "input data is empty"):
        raise JSONInputError("empty document")
    constant = next((c for c in ("NaN", "Infinity") if text.startswith(c, pos)), None)
    if constant is None and pos > 0 and text.startswith("-Infinity", pos - 1):
        constant = "-Infinity"
    if constant is None and not any(key in msg for key in _RECOVERABLE):
        raise JSONInputError(f"malformed JSON: {msg}", line=line, column=column)
    reason = f"{constant} is not a JSON number" if constant else msg
    if "not valid UTF-8" in msg:  # only reachable for str input: lone surrogate characters
        reason = _describe_surrogate(text)
        m = _SURROGATE_RE.search(text)
        line, column = _position(text, m.start()) if m else (line, column)
    elif "surrogate" in msg:
        m = _SURROGATE_ESCAPE_RE.search(text, pos)
        code = f"U+{m.group(1).upper()}" if m else "U+D800..U+DFFF"
        reason = f"lone surrogate {code} (half of a UTF-16 pair, not a character)"
    elif "infinity when parsed" in msg:
        reason = "number out of range"
    refusal = JSONInputError(reason, line=line, column=column)
    try:
        return _LENIENT.decode(text), refusal
    except (ValueError, RecursionError):
        raise refusal from None


_SURROGATE_ESCAPE_RE = re.compile(r"\\u([dD][89a-fA-F][0-9a-fA-F]{2})")


def _located(
    value: object, path: str = "", *, depth: int = 1, refusal: JSONInputError | None = None
) -> JSONInputError | None:
    """The first refused thing in ``value`` as an error naming its field; at the top (no field), with
    the line and column of orjson's ``refusal``."""
    problem = _find_problem(value, path, depth=depth)
    if problem is None:
        return None
    if not problem[0] and refusal is not None:
        return JSONInputError(problem[1], line=refusal.line, column=refusal.column)
    return JSONInputError(problem[1], field=problem[0] or None)


def _too_deep_error(value: object, path: str = "", *, depth: int = 1) -> JSONInputError | None:
    where = _too_deep(value, path, depth=depth)
    return None if where is None else JSONInputError(f"nested deeper than {MAX_DEPTH} levels", field=where or None)


def loads(data: str | bytes) -> object:
    """Parse one JSON document strictly; raise :class:`JSONInputError` with a one-line reason."""
    value, refusal = _parse(data)
    # when orjson refused it, name the field if we can; if the two parsers disagree, orjson's refusal stands
    error = _too_deep_error(value) if refusal is None else (_located(value, refusal=refusal) or refusal)
    if error is not None:
        raise error
    return value


def loads_items(data: str | bytes) -> object:
    """Like :func:`loads`, except that when the document is an array, an item holding a refused value
    (lone surrogate, NaN/Infinity, number out of range, nesting past :data:`MAX_DEPTH`) comes back as a
    :class:`JSONInputError` in its place and the other items are kept. Malformed JSON still fails as a
    whole, as does nesting past orjson's own limit (1,024 levels)."""
    value, refusal = _parse(data)
    if not isinstance(value, list):
        error = _too_deep_error(value) if refusal is None else (_located(value, refusal=refusal) or refusal)
        if error is not None:
            raise error
        return value
    check = _too_deep_error if refusal is None else _located
    items: list[object] = []
    for i, item in enumerate(value):
        error = check(item, f"[{i}]", depth=2)
        items.append(item if error is None else error)
    if refusal is not None and not any(isinstance(item, JSONInputError) for item in items):
        raise refusal
    return items


@overload
def iter_lines(data: bytes) -> Iterator[tuple[int, bytes]]: ...
@overload
def iter_lines(data: str) -> Iterator[tuple[int, str]]: ...
def iter_lines(data: bytes | str) -> Iterator[tuple[int, bytes]] | Iterator[tuple[int, str]]:
    """Split on ``\\n`` only, yielding (1-based line number, line without its ``\\n`` or ``\\r\\n``).

    A leading byte order mark is dropped; a last line without a newline is yielded; blank lines are
    yielded too (numbers stay right), the empty piece after a final newline is not."""
    if isinstance(data, bytes):
        return _lines_bytes(data)
    return _lines_str(data)


def _lines_bytes(data: bytes) -> Iterator[tuple[int, bytes]]:
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    number = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            end = len(data)
        number += 1
        line = data[start:end]
        yield number, line[:-1] if line.endswith(b"\r") else line
        start = end + 1


def _lines_str(data: str) -> Iterator[tuple[int, str]]:
    start = 1 if data.startswith(_BOM) else 0
    number = 0
    while start < len(data):
        end = data.find("\n", start)
        if end < 0:
            end = len(data)
        number += 1
        line = data[start:end]
        yield number, line[:-1] if line.endswith("\r") else line
        start = end + 1


def is_blank(line: str | bytes) -> bool:
    """True if a line holds only JSON whitespace (space, tab, CR); such JSONL lines are skipped."""
    if isinstance(line, bytes):
        return not line.strip(b" \t\r")
    return not line.strip(" \t\r")


# ------------------------------------------------------------------------------------------- fields


def _describe_char(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch in _LINE_BREAKS:
        return f"a line break ({code})"
    if ch in _BIDI:
        return f"a bidirectional control character ({code})"
    if "\ud800" <= ch <= "\udfff":
        return f"a lone surrogate ({code})"
    return f"a control character ({code})"


def _no_controls(value: str, field: str, *, multiline: bool = False) -> None:
    m = (_CONTROL_BUT_NL_TAB_RE if multiline else _CONTROL_RE).search(value)
    if m is not None:
        raise FieldError(field, f"must not contain {_describe_char(m.group())} (character {m.start() + 1})")


def _string(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise FieldError(field, f"must be a string, got {type_name(value)}")
    return value


def type_name(value: object) -> str:
    """A parsed JSON value's type as a message names it: null, boolean, int, float, string, array, object."""
    names = {type(None): "null", bool: "boolean", str: "string", dict: "object", list: "array"}
    return names.get(type(value), type(value).__name__)


def _length(value: str, field: str, limit: int) -> None:
    if len(value) > limit:
        raise FieldError(field, f"at most {limit:,} characters, got {len(value):,}")


def _short_key(value: str, field: str, limit: int) -> str:
    if not value:
        raise FieldError(field, "must not be empty")
    _length(value, field, limit)
    _no_controls(value, field)
    if value != value.strip():
        raise FieldError(field, "must not start or end with whitespace")
    return value


def check_label(value: object, field: str = "label") -> str:
    """An entity label: a non-empty string of at most :data:`MAX_LABEL_CHARS` characters, no control
    characters, nothing invisible (zero-width and format characters, a BOM, the combining grapheme
    joiner: "ORG\u200b" would look like "ORG" and be another label), no whitespace at either end."""
    label = _short_key(_string(value, field), field, MAX_LABEL_CHARS)
    for i, ch in enumerate(label, 1):
        if ch in _INVISIBLE or unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"):
            raise FieldError(field, f"must not contain an invisible character (U+{ord(ch):04X}) (character {i})")
    return label


#: default-ignorable characters that are no format character (Cf) but draw nothing
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0")


def check_identifier(value: object, field: str = "id", *, max_chars: int = MAX_ID_CHARS) -> str:
    """An article or candidate id: a non-empty string of at most ``max_chars`` characters, no control
    characters, no whitespace at either end."""
    return _short_key(_string(value, field), field, max_chars)


def check_text_field(value: object, field: str, *, max_chars: int = MAX_FIELD_CHARS, multiline: bool = False) -> str:
    """A short text field (title, source, url, published; a note): a string of at most ``max_chars``
    characters without control characters; ``multiline`` allows newlines and tabs. May be empty."""
    text = _string(value, field)
    _length(text, field, max_chars)
    _no_controls(text, field, multiline=multiline)
    return text


def check_article_text(value: object, field: str = "text", *, max_chars: int = MAX_ARTICLE_CHARS) -> str:
    """Article text: a string with something besides whitespace, at most ``max_chars`` characters, no
    lone surrogates. Anything else (control characters included) is data and is kept."""
    text = _string(value, field)
    if not text.strip():
        raise FieldError(field, "is empty" if not text else "is only whitespace")
    if len(text) > max_chars:
        raise FieldError(field, f"article is {len(text):,} characters; the limit is {max_chars:,}")
    m = None if text.isascii() else _SURROGATE_RE.search(text)
    if m is not None:
        raise FieldError(
            field, f"must not contain a lone surrogate (U+{ord(m.group()):04X}, character {m.start() + 1})"
        )
    return text


def check_reviewer(value: object, field: str = "reviewer") -> str:
    """A reviewer name, which also names the reviewer's journal file. Returned in Unicode NFC form (so
    the same name typed on two systems is one reviewer). Refused: empty, more than
    :data:`MAX_REVIEWER_CHARS` characters or :data:`MAX_REVIEWER_BYTES` UTF-8 bytes, anything not
    printable (controls, bidirectional and zero-width characters, separators other than the space),
    path separators and the other characters file systems refuse (``\\ / < > : " | ? *``), a leading
    dot, whitespace or a dot at either end."""
    name = _string(value, field)
    m = _SURROGATE_RE.search(name)
    if m is not None:  # NFC would fail on it
        raise FieldError(field, f"must not contain {_describe_char(m.group())} (character {m.start() + 1})")
    name = unicodedata.normalize("NFC", name)
    if not name:
        raise FieldError(field, "must not be empty")
    _length(name, field, MAX_REVIEWER_CHARS)
    size = len(name.encode("utf-8"))
    if size > MAX_REVIEWER_BYTES:
        raise FieldError(field, f"at most {MAX_REVIEWER_BYTES} bytes in UTF-8, got {size}")
    for i, ch in enumerate(name, 1):
        if not ch.isprintable():
            what = _describe_char(ch) if _CONTROL_RE.match(ch) else f"a non-printable character (U+{ord(ch):04X})"
            raise FieldError(field, f"must not contain {what} (character {i})")
        if ch in _NOT_IN_FILE_NAMES:
            raise FieldError(field, f"must not contain '{ch}' (character {i}): it names a file")
    if name != name.strip():
        raise FieldError(field, "must not start or end with whitespace")
    if name.startswith("."):
        raise FieldError(field, "must not start with a dot: it names a file")
    if name.endswith("."):
        raise FieldError(field, "must not end with a dot: it names a file")
    return name


def meta_size(value: object) -> int:
    """Bytes of ``value`` serialised as compact JSON; raises FieldError('meta') if it is not JSON."""
    try:
        return len(orjson.dumps(value))
    except (TypeError, orjson.JSONEncodeError) as err:
        raise FieldError("meta", f"must hold only JSON values ({err})") from None


def check_meta(value: object, field: str = "meta") -> dict[str, object]:
    """Free-form metadata: a JSON object at most :data:`MAX_META_BYTES` bytes serialised, nested at
    most :data:`MAX_DEPTH` levels, no lone surrogates."""
    if not isinstance(value, dict):
        raise FieldError(field, f"must be an object, got {type_name(value)}")
    problem = _find_problem(value, field)
    if problem is not None:
        raise FieldError(problem[0] or field, problem[1])
    size = meta_size(value)
    if size > MAX_META_BYTES:
        raise FieldError(field, f"at most {MAX_META_BYTES:,} bytes serialised, got {size:,}")
    return value


def _control_symbol(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block, as tui.sanitize shows them
    return "\u2421" if code == 0x7F else "\ufffd"


def tidy_line(value: str, limit: int) -> str:
    """A derived one-line value (a title taken from the text, an HTML page's metadata, a file name):
    line breaks, tabs and other whitespace collapse to one space, other control characters become
    the symbols the screen shows for them in an article's text (ESC → ``␛``, DEL → ``␡``, the rest
    U+FFFD), surrounding whitespace goes, and it is cut to ``limit`` characters with an ellipsis."""
    out = re.sub(f"[{_LINE_BREAKS}\t]", " ", value)
    out = _CONTROL_RE.sub(_control_symbol, out)
    out = " ".join(out.split())
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out
