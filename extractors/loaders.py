"""Reading articles from files: .txt/.md, .html/.htm, .json (object or list) and .jsonl.

Every problem becomes an :class:`InputError` naming the file (and line/field), never a traceback.
``iter_articles`` yields articles and errors in input order so a batch can add the good files and
report the bad ones: a bad JSONL line or a bad item of a .json list fails alone.

JSON is parsed by :mod:`extractors.strict_json` (orjson, plus a depth limit and located errors) and
the fields of a record are checked there too, so the store and ``apply`` refuse what this refuses.
Only regular files are read (a FIFO or a device would block or never end), at most
:data:`MAX_FILE_BYTES` of them.  Folders are walked in name order, hidden entries skipped, symbolic
links followed, each folder once (a link loop ends there); a caller may name folders to pass over
(``skip``: the application's own store folders, which hold JSON that is no article).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import os
import re
import stat
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeGuard

from .records import MAX_ARTICLE_CHARS, Article, InputError, strip_span, text_sha
from .strict_json import (
    MAX_FIELD_CHARS,
    MAX_META_BYTES,
    MAX_TITLE_CHARS,
    FieldError,
    JSONInputError,
    check_article_text,
    check_identifier,
    check_label,
    check_text_field,
    is_blank,
    iter_lines,
    loads,
    loads_items,
    meta_size,
    tidy_line,
    type_name,
)
from .wrapping import unwrapped

TEXT_EXTS = {".txt", ".md"}
HTML_EXTS = {".html", ".htm"}
#: an HTML page whose text has no passage of this many words is no article (a front page, a menu)
MIN_HTML_PASSAGE = 8
JSON_EXTS = {".json", ".jsonl"}
EXTENSIONS = TEXT_EXTS | HTML_EXTS | JSON_EXTS
KNOWN_FIELDS = ("text", "title", "id", "url", "published", "source", "spans", "meta")
#: Record fields neither kept nor checked: Prodigy's ``tokens`` (we tokenise the text ourselves), and
#: the ``entities``, ``claims`` and ``review`` of newsreview's own export (extraction finds candidates
#: again; decisions are not imported). Kept, they alone would pass the ``meta`` limit on a long article.
DROPPED_FIELDS = ("tokens", "entities", "claims", "review")
#: fields only a Prodigy task has: with an ``answer`` (or ``spans``) beside them, a record is a task
PRODIGY_KEYS = ("_input_hash", "_task_hash", "_view_id", "_annotator_id", "_session_id")
#: Prodigy views whose task is a complete annotation of its text's entities (ner.manual, ner.correct,
#: spans.manual; no view named: a hand-made task)
MANUAL_VIEWS = (None, "ner_manual", "spans_manual")
#: views that are complete annotations when the task has spans (a recipe's ner_manual block, rel.manual)
SPANS_VIEWS = ("blocks", "relations")
#: views whose task asks about its spans alone (ner.teach)
BINARY_VIEWS = ("ner",)
#: Raw file size limit: generous for UTF-8 (up to 4 bytes a character) and for HTML boilerplate.
MAX_FILE_BYTES = 8 * MAX_ARTICLE_CHARS
#: A title taken from the article's first line is cut to this many characters.
DERIVED_TITLE_CHARS = 200

_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SURROGATES = re.compile("[\ud800-\udfff]")
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]")


Skip = Callable[[Path], str | None]  # a folder -> why it is passed over (None: walk it)


def iter_articles(
    paths: Iterable[str | os.PathLike[str]], *, skip: Skip | None = None
) -> Iterator[Article | InputError]:
    """Yield an Article or an InputError for every article-bearing input under ``paths``. ``skip``:
    asked of every folder; a folder it gives a reason for is not read — named on the command line,
    that is an error; met while walking, it is passed over (the caller reports it if it wants)."""
    for raw in paths:
        path = Path(raw)
        try:
            info = os.stat(path)
        except (OSError, ValueError) as err:
            yield InputError(shown(path), _reason(err, path))
            continue
        if stat.S_ISDIR(info.st_mode):
            why_not = skip(path) if skip is not None else None
            if why_not is not None:
                yield InputError(shown(path), why_not)
            else:
                yield from _folder_articles(path, skip)
        else:
            yield from load_file(path)


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that is safe to store as JSON and to print: bytes that are not UTF-8 in a file
    name (which Python carries as lone surrogates) become ``\\xNN``, control characters ``\\xNN`` or
    ``\\uNNNN`` escapes. For messages, ``Article.path`` and ``source``; never to open the file again."""
    text = os.fspath(path)
    if _UNSHOWABLE.search(text) is None:
        return text
    if _SURROGATES.search(text):
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNSHOWABLE.sub(lambda m: repr(m.group())[1:-1], text)


def _reason(err: OSError | ValueError, path: Path) -> str:
    if isinstance(err, ValueError):  # os.stat on a path holding a NUL character
        return "invalid path (it holds a NUL character)"
    if err.errno == errno.ENOENT and os.path.islink(path):
        return "broken symbolic link"
    text = err.strerror or str(err)
    return text[:1].lower() + text[1:]


def _folder_articles(root: Path, skip: Skip | None = None) -> Iterator[Article | InputError]:
    found = False
    for item in _walk(root, skip):
        found = True
        if isinstance(item, InputError):
            yield item
        else:
            yield from load_file(item)
    if not found:
        yield InputError(shown(root), f"folder holds no {', '.join(sorted(EXTENSIONS))} files")


def _walk(root: Path, skip: Skip | None = None) -> Iterator[Path | InputError]:
    """Files with our extensions under ``root`` in path order; hidden entries skipped, and folders
    ``skip`` gives a reason for; symbolic links followed, each folder visited once; an unreadable
    folder is one error. Iterative: no depth limit."""
    info = os.stat(root)
    seen = {(info.st_dev, info.st_ino)}
    first = _scan(root)
    if isinstance(first, InputError):
        yield first
        return
    pending = [first]
    while pending:
        entries = pending[-1]
        if not entries:
            pending.pop()
            continue
        entry = entries.pop()
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symbolic links; False for a broken link or a loop
        except OSError:
            is_dir = False
        if not is_dir:
            if path.suffix.lower() in EXTENSIONS:
                yield path
            continue
        try:
            info = entry.stat()
        except OSError as err:
            yield InputError(shown(path), _reason(err, path))
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # a link back to a folder already walked (a loop, or the same folder twice)
        seen.add((info.st_dev, info.st_ino))
        if skip is not None and skip(path) is not None:
            continue
        listing = _scan(path)
        if isinstance(listing, InputError):
            yield listing
        else:
            pending.append(listing)


def _scan(folder: Path) -> list[os.DirEntry[str]] | InputError:
    """A folder's entries, last name first (so ``pop`` yields them in name order), or an error."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name, reverse=True)
    except OSError as err:
        return InputError(shown(folder), f"cannot read folder: {_reason(err, folder)}")


def load_file(path: Path) -> Iterator[Article | InputError]:
    where = shown(path)
    if "\x00" in os.fspath(path):
        yield InputError(where, "invalid path (it holds a NUL character)")
        return
    try:
        ext = path.suffix.lower()
        _check_regular(path, os.stat(path).st_mode)
        if ext not in EXTENSIONS:
            raise InputError(where, f"unsupported file type '{ext or path.name}' (use {', '.join(sorted(EXTENSIONS))})")
        data = read_bytes(path)
        if ext in TEXT_EXTS:
            yield text_article(path, decode(path, data), markdown=ext == ".md")
        elif ext in HTML_EXTS:
            yield html_article(path, decode(path, data, declared=declared_charset(data), html=True))
        elif ext == ".jsonl":
            yield from jsonl_articles(path, _json_input(path, data))
        else:
            yield from json_articles(path, _json_input(path, data))
    except InputError as err:
        yield err
    except OSError as err:
        yield InputError(where, _reason(err, path))


_FILE_TYPES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _FILE_TYPES if test(mode)), "not a file")
        raise InputError(shown(path), f"not a regular file ({kind}); only files can be read")


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most :data:`MAX_FILE_BYTES`; refuses anything else without blocking
    (opened non-blocking, its type checked on the open descriptor, the read bounded)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    with open(fd, "rb", closefd=True) as f:
        info = os.fstat(fd)
        _check_regular(path, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(shown(path), f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew while we read it
        raise InputError(shown(path), f"file is over {MAX_FILE_BYTES:,} bytes, the limit")
    if not data:
        raise InputError(shown(path), "empty file")
    return data


_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares in its first 4 KB (``<meta charset=…>`` or the
    ``http-equiv`` Content-Type), if Python knows it."""
    m = _CHARSET_RE.search(data[:4096])
    if m is None:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name in ("latin-1", "ascii", "iso8859-1"):
        return "cp1252"  # as browsers read them (WHATWG)
    try:  # the declaration was read as ASCII: an encoding that reads ASCII otherwise (UTF-16, UTF-7,
        if _ASCII.decode(name) != _ASCII.decode("ascii"):  # EBCDIC …) cannot be what the page is in
            return None
    except (UnicodeDecodeError, LookupError):  # (LookupError: a codec that is no text encoding)
        return None
    return name


_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def decode(path: Path, data: bytes, *, declared: str | None = None, html: bool = False) -> str:
    """Decode a file as UTF-8 (BOM stripped) or BOM-marked UTF-16/UTF-32; an HTML page that is not UTF-8
    in the encoding it ``declared`` (a legacy page in windows-1252, say); refuse anything else clearly
    (an ``html`` page's declaration that could not be used is named)."""
    if data.startswith(_UTF32_BOMS + _UTF16_BOMS):
        codec = "utf-32" if data.startswith(_UTF32_BOMS) else "utf-16"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as err:
            raise InputError(shown(path), f"invalid {codec.upper()} at byte {err.start}") from None
    else:
        nul = data.find(b"\x00", 0, 8192)
        if nul >= 0:
            raise InputError(shown(path), f"binary file, not text (a NUL byte at offset {nul})")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            if declared is not None and declared not in ("utf-8", "utf-16", "utf-32"):
                with contextlib.suppress(UnicodeDecodeError):
                    return _not_blank(path, data.decode(declared))
            said = _CHARSET_RE.search(data[:4096]) if html else None
            hint = ""
            if said is not None:  # QA: an unknown declared charset was not mentioned
                name = said.group(1).decode("ascii")
                if declared is not None:
                    why_not = "which does not decode it"
                else:
                    try:
                        codecs.lookup(name)
                        why_not = "which it cannot be in (the declaration itself reads as ASCII)"
                    except LookupError:
                        why_not = "which newsreview does not know"
                hint = f"; it declares charset '{name}', {why_not}"
            at = err.start + len(data) - len(err.object)  # (utf-8-sig counts after a BOM: QA)
            raise InputError(
                shown(path),
                f"not UTF-8 (byte 0x{data[at]:02x} at offset {at}){hint}; "
                "convert it first, e.g. iconv -f cp1252 -t utf-8",
            ) from None
    return _not_blank(path, text)


def _not_blank(path: Path, text: str) -> str:
    if not text.strip():
        raise InputError(shown(path), "empty file (only whitespace)")
    return text


def read_text(path: Path) -> str:
    """A regular file decoded by :func:`decode`."""
    return decode(path, read_bytes(path))


def _json_input(path: Path, data: bytes) -> bytes | str:
    """JSON input as bytes (UTF-8, checked line by line by the parser) or, for UTF-16/32, as str."""
    if data.startswith(_UTF32_BOMS + _UTF16_BOMS):
        return decode(path, data)
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise InputError(shown(path), f"binary file, not text (a NUL byte at offset {nul})")
    return data


def _newline_fix(raw: str) -> tuple[str, Callable[[int], int] | None]:
    """``raw`` with \\r\\n and \\r turned into \\n, and (when it changed) a function mapping an index
    in ``raw`` to the index in the result (a dropped \\r maps to where its \\n went)."""
    if "\r" not in raw:
        return raw, None
    dropped = [m.start() for m in re.finditer("\r\n", raw)]
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return text, lambda i: i - bisect_left(dropped, i)


def normalise_newlines(text: str) -> tuple[str, list[int] | None]:
    """Turn \\r\\n and \\r into \\n. Returns the text and, when it changed, a map old index -> new index."""
    out, index = _newline_fix(text)
    if index is None:
        return out, None
    return out, [index(i) for i in range(len(text) + 1)]


def _check_length(path: Path | str, text: str, line: int | None = None) -> None:
    if len(text) > MAX_ARTICLE_CHARS:
        raise InputError(
            path, f"article is {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}", line=line, field="text"
        )


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


def _derived_title(text: str, *, markdown: bool = False) -> str:
    first = _first_line(unwrapped(text))  # a headline a hard wrap put on two lines is whole
    if markdown:
        first = first.lstrip("#").strip()
    return tidy_line(first, DERIVED_TITLE_CHARS)


def text_article(path: Path, raw: str, *, markdown: bool = False) -> Article:
    text, _ = _newline_fix(raw)
    _check_length(shown(path), text)
    _checked_text(path, text)
    return Article(
        text=text,
        title=_derived_title(text, markdown=markdown),
        source=tidy_line(shown(path.name), MAX_FIELD_CHARS),
        path=shown(path),
    )


def _checked_text(path: Path, text: str, line: int | None = None) -> str:
    try:
        return check_article_text(text, max_chars=MAX_ARTICLE_CHARS)
    except FieldError as err:
        raise InputError(shown(path), err.message, line=line, field=err.field) from None


#: a character reference (decimal or hexadecimal)
_CONTROL_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


def _control_char(match: re.Match[str]) -> str:
    """A reference to a control character as the character itself, as if the file held it (QA: one
    ``&#27;`` anywhere made trafilatura drop the whole page, "no article text found"; the character
    is data like any other and is shown escaped); any other reference as it is."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or 0x7F <= code <= 0x9F:
        return chr(code)
    return match.group(0)


def html_article(path: Path, raw: str) -> Article:
    import trafilatura  # lazy: only HTML input pays for it

    # trafilatura, lxml and htmldate on hostile HTML can raise anything (htmldate trips an lxml
    # assertion on some malformed trees): the text failing is this file's error, the metadata failing
    # only costs the metadata.
    raw = _CONTROL_REF.sub(_control_char, raw)
    try:
        body = trafilatura.extract(raw, include_comments=False, include_tables=False, favor_precision=True)
    except Exception as err:
        raise InputError(shown(path), f"could not read the HTML ({type(err).__name__})") from None
    if not body or not body.strip():
        raise InputError(shown(path), "no article text found in the HTML")
    longest = max(len(line.split()) for line in body.splitlines())
    if longest < MIN_HTML_PASSAGE:
        # a front page, a section's list of links or a menu: trafilatura keeps a heading or two
        raise InputError(
            shown(path),
            f"no article text found in the HTML: its longest passage is {longest} "
            f"word{'s' if longest != 1 else ''} (an index page, or a list of links?)",
        )
    try:
        meta = trafilatura.extract_metadata(raw)
    except Exception:
        meta = None
    text, _ = _newline_fix(body.strip())
    _check_length(shown(path), text)
    _checked_text(path, text)

    def tidy(name: str, limit: int = MAX_FIELD_CHARS) -> str:
        value = getattr(meta, name, None) if meta is not None else None
        return tidy_line(value, limit) if isinstance(value, str) else ""

    extra: dict[str, Any] = {key: value for key in ("author", "sitename", "description") if (value := tidy(key))}
    url = tidy("url")
    try:
        check_text_field(url, "url")
    except FieldError:
        url = ""
    return Article(
        text=text,
        title=tidy("title", MAX_TITLE_CHARS) or _derived_title(text),
        source=tidy("sitename") or tidy_line(shown(path.name), MAX_FIELD_CHARS),
        url=url,
        published=tidy("date"),
        meta=extra,
        path=shown(path),
    )


def _json_error(path: Path, err: JSONInputError, *, line: int | None) -> InputError:
    if err.field is not None:
        return InputError(shown(path), err.reason, line=line, field=err.field)
    message = f"{err.reason} (column {err.column})" if err.column is not None else err.reason
    return InputError(shown(path), message, line=line)


def jsonl_articles(path: Path, data: bytes | str) -> Iterator[Article | InputError]:
    """One article per line; lines are split on \\n only (JSON text may hold U+2028 and the like);
    a bad line (malformed, not UTF-8, refused values, bad fields) fails alone."""
    any_line = False
    for number, line in iter_lines(data):
        if is_blank(line):
            continue
        any_line = True
        try:
            obj = loads(line)
        except JSONInputError as err:
            yield _json_error(path, err, line=number)
            continue
        try:
            yield record_article(path, obj, line=number)
        except InputError as err:
            yield err
    if not any_line:
        yield InputError(shown(path), "empty file (only whitespace)")


def json_articles(path: Path, data: bytes | str) -> Iterator[Article | InputError]:
    """One article object, a list of them (a bad item fails alone), or newsreview's own JSON export
    (``{"format": "newsreview/1", "articles": [...]}``)."""
    try:
        obj = loads_items(data)
    except JSONInputError as err:
        if err.reason == "empty document":
            raise InputError(shown(path), "empty file (only whitespace)") from None
        raise _json_error(path, err, line=err.line if err.field is None else None) from None
    container = ""
    if _is_export(obj):
        obj, container = obj["articles"], "articles"
    if isinstance(obj, dict):
        yield record_article(path, obj)
    elif isinstance(obj, list):
        if not obj:
            raise InputError(shown(path), "empty list: no articles")
        for index, item in enumerate(obj):
            if isinstance(item, JSONInputError):
                yield _json_error(path, item, line=None)
                continue
            try:
                yield record_article(path, item, item=index, container=container)
            except InputError as err:
                yield err
    else:
        raise InputError(shown(path), f"expected an article object or a list of them, got {type_name(obj)}")


def _is_export(obj: object) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(obj, dict)
        and "text" not in obj
        and isinstance(obj.get("articles"), list)
        and isinstance(obj.get("format"), str)
        and obj["format"].startswith("newsreview/")
    )


def record_article(
    path: Path, obj: object, *, line: int | None = None, item: int | None = None, container: str = ""
) -> Article:
    """Validate one JSON article record (our fields, a Prodigy task, an article of our export); field
    errors name the field (prefixed ``container[item].`` for an item of a list)."""
    prefix = f"{container}[{item}]." if item is not None else ""
    where = shown(path)

    def fail(message: str, field: str | None = None) -> InputError:
        name = (prefix + field) if field else (prefix.rstrip(".") or None)
        return InputError(where, message, line=line, field=name.replace(".[", "[") if name else None)

    if not isinstance(obj, dict):
        raise fail(f"expected an object, got {type_name(obj)}")
    if "text" not in obj:
        raise fail("missing required field 'text'")
    try:
        return _record(path, obj, line)
    except FieldError as err:
        raise fail(err.message, err.field) from None


def _optional_text(obj: dict[str, Any], key: str, max_chars: int = MAX_FIELD_CHARS) -> str:
    value = obj.get(key)
    return "" if value is None else check_text_field(value, key, max_chars=max_chars)


def _record(path: Path, obj: dict[str, Any], line: int | None) -> Article:
    raw = obj["text"]
    text, index = _newline_fix(raw) if isinstance(raw, str) else (raw, None)
    text = check_article_text(text, max_chars=MAX_ARTICLE_CHARS)
    task = _task(obj)
    # our own Prodigy export's task on the text it was written for (not a sentence Prodigy split off
    # it, whose meta is the whole article's — review: its restored id clashed, its spans' offsets were
    # the article's): the article's fields, and the lists of the review it was exported from
    whole = task is not None and _ours(obj) and obj["meta"].get("text_sha") == text_sha(text)
    fields = _task_fields(obj) if whole else obj
    listed = task is not None and task["kind"] == "manual" and (whole or not _ours(obj))
    title = _optional_text(fields, "title", MAX_TITLE_CHARS).strip()
    source = _optional_text(fields, "source")
    url = _optional_text(fields, "url")
    published = _optional_text(fields, "published")
    ident = _identifier(fields.get("id"))
    foreign, read = _foreign_spans(obj)
    return Article(
        text=text,
        title=title or _derived_title(text),
        id=ident,
        source=source or tidy_line(shown(path.name), MAX_FIELD_CHARS),
        url=url,
        published=published,
        meta=_record_meta(obj, task, read, whole=whole),
        path=f"{shown(path)}:{line}" if line else shown(path),
        imported_spans=_dedup(
            _record_spans(obj.get("spans"), raw, index)
            # a task of our own Prodigy export: reviewed entities ner.manual could not hold (they
            # overlap longer ones) are in its meta, as reviewed as its spans (QA: re-added, they were
            # rejected)
            + _record_spans(_task_meta(obj, listed, "overlapping_spans"), raw, index, "meta.overlapping_spans")
            + [span for field, spans, names in foreign for span in _record_spans(spans, raw, index, field, names)]
        ),
        undecided_spans=[
            span
            for key in ("pending_spans", "disputed_spans")
            for span in _record_spans(_task_meta(obj, listed, key), raw, index, f"meta.{key}")
        ],
        task=task,
    )


Foreign = tuple[str, list[dict[str, Any]], list[str] | None]  # field, its spans, each span's item name


def _foreign_spans(obj: dict[str, Any]) -> tuple[list[Foreign], set[str]]:
    """Entity spans in other tools' fields, as ``spans`` items, with the fields they came from — QA:
    they were kept as meta, or dropped, without a word:

    - doccano's sequence labelling, ``"label": [[start, end, "PER"], …]``, and its newer
      ``"entities": [{"start_offset", "end_offset", "label"}, …]``;
    - Label Studio's JSON-MIN export, ``"label": [{"start", "end", "labels": ["PER"]}, …]``;
    - spaCy's ``Doc.to_json()``, ``"ents": [{"start", "end", "label"}, …]``.

    A field only when every item has that shape: doccano's text classification (``"label":
    ["positive"]``) is no span list and stays meta. The spans are checked as ``spans`` are."""
    found: list[Foreign] = []
    label = obj.get("label")
    if isinstance(label, list) and label:
        if all(isinstance(x, list) and len(x) == 3 and _is_int(x[0]) and _is_int(x[1]) for x in label):
            found.append(("label", [{"start": s, "end": e, "label": lab} for s, e, lab in label], None))
        elif all(isinstance(x, dict) and {"start", "end", "labels"} <= x.keys() for x in label):
            spans, names = [], []
            for i, x in enumerate(label):
                labels = _labels(x["labels"])
                if not labels:  # QA: an item with no label was dropped without a word
                    raise FieldError(f"label[{i}].labels", "names no label")
                for lab in labels:  # with its text: Label Studio counts UTF-16 units after an emoji
                    spans.append({k: x[k] for k in ("start", "end", "text") if k in x} | {"label": lab})
                    names.append(f"label[{i}]")  # (QA: an error named the item by its place among labels)
            found.append(("label", spans, names))
    entities = obj.get("entities")
    if (
        isinstance(entities, list)
        and entities
        and all(isinstance(x, dict) and {"start_offset", "end_offset", "label"} <= x.keys() for x in entities)
    ):
        found.append(
            (
                "entities",
                [{"start": x["start_offset"], "end": x["end_offset"], "label": x["label"]} for x in entities],
                None,
            )
        )
    ents = obj.get("ents")
    if (
        isinstance(ents, list)
        and ents
        and all(isinstance(x, dict) and {"start", "end", "label"} <= x.keys() for x in ents)
    ):
        found.append(("ents", [{k: x[k] for k in ("start", "end", "label", "text") if k in x} for x in ents], None))
    return found, {field for field, _, _ in found}


def _labels(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _identifier(value: object, field: str = "id") -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return "" if value in (None, "") else check_identifier(value, field)


#: what our own Prodigy export's task says of its article in its meta (marked ``exported_by``), read
#: where the record has none of its own — not another tool's ``meta.id``, which may name a document
#: many tasks' texts come from
EXPORTED_BY = "newsreview"
ARTICLE_FIELDS = {"id": MAX_FIELD_CHARS, "title": MAX_TITLE_CHARS, "source": MAX_FIELD_CHARS, "url": MAX_FIELD_CHARS, "published": MAX_FIELD_CHARS}  # fmt: skip


def _task_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """A task's record with the article fields its meta gives where it has none at its top level (QA:
    a Prodigy round trip lost the article's id, title, source, url and date). A value its meta gives
    that would not do as the field is left in the meta, unused."""
    meta = obj["meta"]
    out = dict(obj)
    for key, limit in ARTICLE_FIELDS.items():
        if out.get(key) in (None, "") and meta.get(key) not in (None, ""):
            with contextlib.suppress(FieldError):
                out[key] = _identifier(meta[key]) if key == "id" else check_text_field(meta[key], key, max_chars=limit)
    return out


def _task(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The record's Prodigy answer, if it is a task: an ``answer`` at its top level beside a field only
    a task has (or its ``spans``). QA: an ``answer`` kept in the meta of our own JSON export, or a
    question-answering record's ``"answer": "accept"``, recorded rejections of every entity."""
    if obj.get("answer") is None or not ("spans" in obj or any(k in obj for k in PRODIGY_KEYS)):
        return None  # (null: no answer yet, as a task before annotation has none)
    answer = obj["answer"]  # any other value: one that is no answer is said (QA: 1, a list went by)
    annotator = "prodigy"
    for key in ("_annotator_id", "_session_id"):  # QA: [1] became a reviewer "[1]"; 0 became "prodigy"
        value = obj.get(key)
        if _is_int(value):
            value = str(value)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise FieldError(key, f"must be a string (the annotator's name), got {type_name(value)}")
        annotator = value
        break
    view = obj.get("_view_id")
    if view is not None and not isinstance(view, str):  # QA: ["classification"] read as ner_manual
        raise FieldError("_view_id", f"must be a string (a Prodigy view), got {type_name(view)}")
    meta = obj.get("meta")
    labels = meta.get("labels") if isinstance(meta, dict) else None  # our own export's label set
    if view in MANUAL_VIEWS or (view in SPANS_VIEWS and "spans" in obj):
        kind: str | None = "manual"
    else:
        kind = "binary" if view in BINARY_VIEWS else None
    return {
        "answer": answer,
        "annotator": str(annotator),
        "view": view,
        "kind": kind,  # "manual", "binary", or None: a view that holds no entity decisions
        "labels": [str(x) for x in labels] if isinstance(labels, list) else None,
    }


def _task_meta(obj: dict[str, Any], listed: bool, key: str) -> object:
    """A list our own Prodigy export keeps in a task's meta (read only from a complete task on the
    text it was written for: ``listed``)."""
    meta = obj.get("meta")
    return meta.get(key) if listed and isinstance(meta, dict) else None


def _ours(obj: dict[str, Any]) -> bool:
    """Whether the record is a task of our own Prodigy export (its meta marked ``exported_by``)."""
    meta = obj.get("meta")
    return isinstance(meta, dict) and meta.get("exported_by") == EXPORTED_BY


def _dedup(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for sp in spans:
        key = (sp["start"], sp["end"], sp["label"])
        if key not in seen:
            seen.add(key)
            out.append(sp)
    return out


def _record_spans(
    spans: object,
    raw: str,
    index: Callable[[int], int] | None,
    name: str = "spans",
    names: list[str] | None = None,
) -> list[dict[str, Any]]:
    """``names``: each item's field name in errors, where it is not ``name[i]`` (an item of another
    tool's format that gave several spans)."""
    if spans is None:
        return []
    if not isinstance(spans, list):
        raise FieldError(name, f"must be a list of {{start, end, label}} objects, got {type_name(spans)}")
    imported: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for i, sp in enumerate(spans):
        where = names[i] if names is not None else f"{name}[{i}]"
        if not isinstance(sp, dict):
            raise FieldError(where, "must be an object with start, end, label")
        start, end = sp.get("start"), sp.get("end")
        if not _is_int(start):
            raise FieldError(f"{where}.start", f"must be an integer, got {type_name(start)}")
        if not _is_int(end):
            raise FieldError(f"{where}.end", f"must be an integer, got {type_name(end)}")
        label = check_label(sp.get("label"), f"{where}.label")
        if not (0 <= start <= len(raw) and 0 <= end <= len(raw)):
            raise FieldError(where, f"{start}..{end} is outside the text (length {len(raw)})")
        if start >= end:
            raise FieldError(where, f"{start}..{end} is empty (end must be after start)")
        if "text" in sp and sp["text"] != raw[start:end]:
            raise FieldError(
                where,
                f"text {_cut_repr(sp['text'])} does not match the article text {_cut_repr(raw[start:end])} at {start}..{end}",
            )
        blank = not raw[start:end].strip()
        if not blank:  # an entity begins and ends on its name (as apply requires): " Iowa" is "Iowa"
            start, end = strip_span(raw, start, end)
        if index is not None:
            start, end = index(start), index(end)
            if start >= end:
                raise FieldError(where, "covers only the \\r of a \\r\\n line break")
        if blank:  # as apply refuses it: no entity is only whitespace
            raise FieldError(where, f"{sp['start']}..{sp['end']} is only whitespace")
        if (start, end, label) not in seen:  # the same span twice is one candidate
            seen.add((start, end, label))
            imported.append({"start": start, "end": end, "label": label})
    return imported


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _cut_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: what our own Prodigy export lists in a task's meta, read as the task's decisions (QA: on a long
#: article they alone passed the meta limit, and the export could not be added back)
TASK_SPAN_LISTS = ("overlapping_spans", "pending_spans", "disputed_spans", "rejected_spans")


def _record_meta(
    obj: dict[str, Any], task: dict[str, Any] | None = None, read: Collection[str] = (), *, whole: bool = False
) -> dict[str, Any]:
    """``whole``: a task of our own Prodigy export on the text it was written for — its meta is the
    article's own (``article_meta``); a sentence split off it keeps the task's meta, which says what
    article it came from (QA: it lost that)."""
    given = obj.get("meta")
    if given is not None and not isinstance(given, dict):
        raise FieldError("meta", f"must be an object, got {type_name(given)}")
    if task is not None and given:
        if whole:
            # our own Prodigy export: the article's own meta as it was, none of what the export and
            # Prodigy added (the task's bookkeeping, the article's fields read above)
            kept = given.get("article_meta")
            meta = dict(kept) if isinstance(kept, dict) else {}
            _check_meta_size(meta)
            return meta
        given = {k: v for k, v in given.items() if k not in TASK_SPAN_LISTS}
    # an article of our own export also drops its "groups" (candidate ids of the old extraction; alone
    # over the meta limit on a long article); another tool's "groups" is kept as meta
    ours = isinstance(obj.get("review"), dict) and isinstance(obj.get("groups"), list)
    dropped = (*DROPPED_FIELDS, "groups") if ours else DROPPED_FIELDS
    meta = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS and k not in dropped and k not in read}
    meta.update(given or {})
    _check_meta_size(meta)
    return meta


def _check_meta_size(meta: dict[str, Any]) -> None:
    size = meta_size(meta)
    if size > MAX_META_BYTES:
        largest = max(meta, key=lambda k: meta_size(meta[k]))
        raise FieldError(
            "meta",
            f"at most {MAX_META_BYTES:,} bytes serialised (with the other unknown fields), got {size:,}; "
            f"the largest is {json.dumps(largest[:40])} ({meta_size(meta[largest]):,} bytes)",
        )
