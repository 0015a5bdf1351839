"""Reading articles from files: .txt/.md, .html/.htm, .json (object or list) and .jsonl.

Every problem becomes an :class:`InputError` naming the file (and line/field), never a traceback.
``iter_articles`` yields articles and errors in input order so a batch can add the good files and
report the bad ones.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .records import MAX_ARTICLE_CHARS, Article, InputError

TEXT_EXTS = {".txt", ".md"}
HTML_EXTS = {".html", ".htm"}
JSON_EXTS = {".json", ".jsonl"}
EXTENSIONS = TEXT_EXTS | HTML_EXTS | JSON_EXTS
KNOWN_FIELDS = ("text", "title", "id", "url", "published", "source", "spans", "meta")
#: Raw file size limit: generous for UTF-8 (up to 4 bytes a character) and for HTML boilerplate.
MAX_FILE_BYTES = 8 * MAX_ARTICLE_CHARS


def iter_articles(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Article | InputError]:
    """Yield an Article or an InputError for every article-bearing input under ``paths``."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield InputError(path, "no such file or directory")
        elif path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                yield InputError(path, f"folder holds no {', '.join(sorted(EXTENSIONS))} files")
            for file in files:
                yield from load_file(file)
        else:
            yield from load_file(path)


def load_file(path: Path) -> Iterator[Article | InputError]:
    try:
        ext = path.suffix.lower()
        if ext not in EXTENSIONS:
            raise InputError(path, f"unsupported file type '{ext or path.name}' (use {', '.join(sorted(EXTENSIONS))})")
        text = read_text(path)
        if ext in TEXT_EXTS:
            yield text_article(path, text, markdown=ext == ".md")
        elif ext in HTML_EXTS:
            yield html_article(path, text)
        elif ext == ".jsonl":
            yield from jsonl_articles(path, text)
        else:
            yield from json_articles(path, text)
    except InputError as err:
        yield err
    except OSError as err:
        yield InputError(path, err.strerror or str(err))


def read_text(path: Path) -> str:
    """Decode a file as UTF-8 (BOM stripped) or BOM-marked UTF-16; refuse anything else clearly."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(path, "empty file")
    if size > MAX_FILE_BYTES:
        raise InputError(path, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(path, f"invalid UTF-16 at byte {err.start}") from None
    else:
        if b"\x00" in data[:8192]:
            raise InputError(path, "binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(
                path,
                f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
                "convert it first, e.g. iconv -f cp1252 -t utf-8",
            ) from None
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)")
    return text


def normalise_newlines(text: str) -> tuple[str, list[int] | None]:
    """Turn \\r\\n and \\r into \\n. Returns the text and, when it changed, a map old index -> new index."""
    if "\r" not in text:
        return text, None
    mapping = [0] * (len(text) + 1)
    out: list[str] = []
    j = 0
    for i, ch in enumerate(text):
        mapping[i] = j
        if ch == "\r":
            if i + 1 < len(text) and text[i + 1] == "\n":
                continue  # dropped; the following \n stands for both
            out.append("\n")
        else:
            out.append(ch)
        j += 1
    mapping[len(text)] = j
    return "".join(out), mapping


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


def text_article(path: Path, raw: str, *, markdown: bool = False) -> Article:
    text, _ = normalise_newlines(raw)
    _check_length(path, text)
    title = _first_line(text)
    if markdown:
        title = title.lstrip("#").strip()
    return Article(text=text, title=title, source=path.name, path=str(path))


def html_article(path: Path, raw: str) -> Article:
    import trafilatura  # lazy: only HTML input pays for it

    body = trafilatura.extract(raw, include_comments=False, include_tables=False, favor_precision=True)
    if not body or not body.strip():
        raise InputError(path, "no article text found in the HTML")
    meta = trafilatura.extract_metadata(raw)
    text, _ = normalise_newlines(body.strip())
    _check_length(path, text)
    title = (meta.title if meta and meta.title else "") or _first_line(text)
    extra: dict[str, Any] = {}
    if meta is not None:
        for key in ("author", "sitename", "description"):
            value = getattr(meta, key, None)
            if value:
                extra[key] = value
    return Article(
        text=text,
        title=title,
        source=(meta.sitename if meta and meta.sitename else "") or path.name,
        url=(meta.url if meta and meta.url else "") or "",
        published=(meta.date if meta and meta.date else "") or "",
        meta=extra,
        path=str(path),
    )


def jsonl_articles(path: Path, raw: str) -> Iterator[Article | InputError]:
    lines = raw.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(path, f"malformed JSON ({err.msg}, column {err.colno})", line=number) from None
            yield record_article(path, obj, line=number)
        except InputError as err:
            yield err


def json_articles(path: Path, raw: str) -> Iterator[Article | InputError]:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InputError(path, f"malformed JSON ({err.msg}, column {err.colno})", line=err.lineno) from None
    if isinstance(obj, dict):
        yield record_article(path, obj)
    elif isinstance(obj, list):
        if not obj:
            raise InputError(path, "empty list: no articles")
        for index, item in enumerate(obj):
            try:
                yield record_article(path, item, item=index)
            except InputError as err:
                yield err
    else:
        raise InputError(path, f"expected an article object or a list of them, got {type(obj).__name__}")


def record_article(path: Path, obj: Any, *, line: int | None = None, item: int | None = None) -> Article:
    """Validate one JSON article record (our fields or a Prodigy task)."""
    prefix = f"[{item}]." if item is not None else ""

    def fail(message: str, field: str | None = None) -> InputError:
        return InputError(path, message, line=line, field=(prefix + field) if field else (prefix.rstrip(".") or None))

    if not isinstance(obj, dict):
        raise fail(f"expected an object, got {type(obj).__name__}")
    if "text" not in obj:
        raise fail("missing required field 'text'")
    raw = obj["text"]
    if not isinstance(raw, str):
        raise fail(f"must be a string, got {type(raw).__name__}", "text")
    if not raw.strip():
        raise fail("is empty", "text")
    for key in ("title", "id", "url", "published", "source"):
        value = obj.get(key)
        allowed = (str, int) if key == "id" else (str,)
        if value is not None and (not isinstance(value, allowed) or isinstance(value, bool)):
            raise fail(f"must be a string, got {type(value).__name__}", key)
    text, mapping = normalise_newlines(raw)
    _check_length(path, text, line)
    spans = obj.get("spans") or []
    if not isinstance(spans, list):
        raise fail(f"must be a list, got {type(spans).__name__}", "spans")
    imported = []
    for i, sp in enumerate(spans):
        where = f"spans[{i}]"
        if not isinstance(sp, dict):
            raise fail("must be an object with start, end, label", where)
        start, end, label = sp.get("start"), sp.get("end"), sp.get("label")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise fail("start and end must be integers", where)
        if not isinstance(label, str) or not label:
            raise fail("label must be a non-empty string", where)
        if not 0 <= start < end <= len(raw):
            raise fail(f"{start}..{end} is outside the text (length {len(raw)})", where)
        if "text" in sp and sp["text"] != raw[start:end]:
            raise fail(
                f"text {sp['text']!r} does not match the article text {raw[start:end]!r} at {start}..{end}", where
            )
        if mapping is not None:
            start, end = mapping[start], mapping[end]
        imported.append({"start": start, "end": end, "label": label})
    meta = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS}
    if isinstance(obj.get("meta"), dict):
        meta.update(obj["meta"])
    title = str(obj.get("title") or "") or _first_line(text)[:200]
    return Article(
        text=text,
        title=title,
        id=str(obj["id"]) if obj.get("id") not in (None, "") else "",
        source=str(obj.get("source") or "") or path.name,
        url=str(obj.get("url") or ""),
        published=str(obj.get("published") or ""),
        meta=meta,
        path=f"{path}:{line}" if line else str(path),
        imported_spans=imported,
    )
