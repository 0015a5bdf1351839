"""Fuzzing the loaders: random bytes and JSON-ish documents (deep, wide, weird Unicode) never raise
anything but InputError results, never hang, and every Article produced keeps the invariants."""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.loaders import iter_articles
from extractors.records import MAX_ARTICLE_CHARS, Article, InputError
from extractors.strict_json import (
    MAX_META_BYTES,
    MAX_TITLE_CHARS,
    check_identifier,
    check_label,
    check_text_field,
)
from tui.sanitize import clean_line

SURROGATE = re.compile("[\ud800-\udfff]")
EXTS = [".txt", ".md", ".html", ".json", ".jsonl"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (not hang) if the body runs longer than ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"loading took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_valid(article: Article) -> None:
    text = article.text
    assert isinstance(text, str) and text.strip() and len(text) <= MAX_ARTICLE_CHARS
    assert SURROGATE.search(text) is None and "\r" not in text
    assert check_text_field(article.title, "title", max_chars=MAX_TITLE_CHARS) == article.title
    assert check_identifier(article.id) == article.id
    for value in (article.source, article.url, article.published):
        assert check_text_field(value, "x") == value
    assert isinstance(article.meta, dict) and len(orjson.dumps(article.meta)) <= MAX_META_BYTES
    for sp in article.imported_spans:
        assert set(sp) == {"start", "end", "label"}
        assert 0 <= sp["start"] < sp["end"] <= len(text)
        assert check_label(sp["label"]) == sp["label"]
    assert SURROGATE.search(article.path) is None
    orjson.dumps({k: v for k, v in vars(article).items()})  # storable as it is


def load_checked(path: Path) -> list[Article | InputError]:
    with time_limit(30):
        items = list(iter_articles([path]))
    assert items
    for item in items:
        assert isinstance(item, Article | InputError), type(item)
        if isinstance(item, Article):
            assert_valid(item)
        else:
            message = str(item)
            assert message.startswith(str(path)) and clean_line(message) == message, message
    return items


@FUZZ
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTS))
def test_random_bytes(tmp_path, data, ext):
    path = tmp_path / f"in{ext}"
    path.write_bytes(data)
    load_checked(path)


# ------------------------------------------------------------------------------------------ JSON-ish

ODD = [
    "\ud800",
    "\udfff",
    "\ud83d\ude00",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\x1b]52;c;aGk=\x07",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\ufeff",
    "é",
    "😀",
    "東京",
    " ",
    "L" * 70,
]
weird_text = st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=8)), max_size=8).map("".join)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30, max_value=10**40),
    st.floats(),  # NaN and ±Infinity included: json.dumps writes them
    weird_text,
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(weird_text, inner, max_size=4),
    max_leaves=20,
)


ODD_BUT_VALID_TEXT = [ch for ch in ODD if not SURROGATE.search(ch)]
article_text = (
    st.lists(st.one_of(st.sampled_from(ODD_BUT_VALID_TEXT), st.text(max_size=12)), min_size=1, max_size=10)
    .map("".join)
    .filter(str.strip)
)
plain = st.text(st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=30)


@st.composite
def records(draw: st.DrawFn) -> object:
    """An article record whose every part is, most of the time, valid, and otherwise anything."""

    def good() -> bool:
        return draw(st.integers(0, 9)) < 8

    text = draw(article_text if good() else st.one_of(weird_text, values))
    rec: dict[str, object] = {"text": text} if good() else {}
    for key in ("title", "id", "source", "url", "published"):
        if draw(st.booleans()):
            rec[key] = draw(plain if good() else st.one_of(weird_text, values))
    if draw(st.booleans()):
        rec["meta"] = draw(st.dictionaries(plain, values, max_size=3) if good() else values)
    if draw(st.integers(0, 3)) == 0:
        rec[draw(plain)] = draw(values)  # an unknown field: kept in meta
    if draw(st.integers(0, 2)):
        n = len(text) if isinstance(text, str) else 5
        spans = []
        for _ in range(draw(st.integers(0, 4))):
            if good() and n:
                start = draw(st.integers(0, n - 1))
                end = draw(st.integers(start + 1, n))
                sp: dict[str, object] = {
                    "start": start,
                    "end": end,
                    "label": draw(st.sampled_from(["PERSON", "ORG", "X y"])),
                }
                if draw(st.booleans()) and isinstance(text, str):
                    sp["text"] = text[start:end]
            else:
                sp = draw(
                    st.fixed_dictionaries(
                        {"start": st.integers(-1, n + 1), "end": st.integers(-1, n + 1)},
                        optional={"label": st.one_of(weird_text, scalars), "text": weird_text},
                    )
                )
            spans.append(sp)
        rec["spans"] = spans if good() else draw(values)
    return rec


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """One JSON text: a record or any value, maybe wrapped in brackets up to 200k deep or cut short."""
    value = draw(records() if draw(st.integers(0, 4)) else values)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    how = draw(st.sampled_from(["plain"] * 6 + ["deep", "cut", "deep-open"]))
    if how == "deep":
        n = draw(st.sampled_from([2, 63, 64, 65, 1023, 1024, 1025, 200_000]))
        text = "[" * n + text + "]" * n
    elif how == "deep-open":
        text = '{"text": "x", "meta": ' + "[" * draw(st.sampled_from([70, 5000, 200_000]))
    elif how == "cut" and text:
        text = text[: draw(st.integers(0, len(text) - 1))]
    return text.encode("utf-8", "surrogatepass")  # raw lone surrogates become invalid UTF-8


@FUZZ
@given(docs=st.lists(documents(), min_size=1, max_size=5), crlf=st.booleans(), blank=st.booleans())
def test_jsonl_documents(tmp_path, docs, crlf, blank):
    path = tmp_path / "in.jsonl"
    sep = b"\r\n" if crlf else b"\n"
    lines = [*docs, b""] if blank else docs
    path.write_bytes(sep.join(lines) + sep)
    items = load_checked(path)
    expected = [n for n, line in enumerate(lines, 1) if line.strip(b" \t\r")]
    if not expected:
        assert len(items) == 1 and "empty file" in str(items[0])
        return
    # one result per non-blank line, in order, each naming its line: a bad line fails alone
    got = [int(i.path.rsplit(":", 1)[1]) if isinstance(i, Article) else i.line for i in items]
    assert got == expected


@FUZZ
@given(docs=st.lists(documents(), min_size=1, max_size=4), as_list=st.booleans())
def test_json_documents(tmp_path, docs, as_list):
    path = tmp_path / "in.json"
    path.write_bytes(b"[" + b",\n".join(docs) + b"]" if as_list else docs[0])
    load_checked(path)


@pytest.mark.parametrize("ext", [".txt", ".md", ".html"])
@FUZZ
@given(text=weird_text)
def test_text_and_html_files(tmp_path, ext, text):
    path = tmp_path / f"in{ext}"
    body = f"<html><head><title>{text}</title></head><body><p>{text}</p></body></html>" if ext == ".html" else text
    path.write_bytes(body.encode("utf-8", "surrogatepass"))
    load_checked(path)
