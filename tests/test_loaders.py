"""Loading articles: formats, normalisation, and one clear error per bad input."""

from __future__ import annotations

import json

import pytest

from extractors import loaders
from extractors.loaders import iter_articles
from extractors.records import Article, InputError


def load(*paths):
    return list(iter_articles(paths))


def one(path) -> Article:
    (item,) = load(path)
    assert isinstance(item, Article), item
    return item


def test_txt_title_crlf_and_bom(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeff\r\n  Headline – São Paulo  \r\nBody line\rmore\n".encode("utf-8"))
    art = one(p)
    assert art.title == "Headline – São Paulo"
    assert art.text == "\n  Headline – São Paulo  \nBody line\nmore\n"
    assert art.source == "a.txt" and art.id.startswith("a-")


def test_md_title_strips_hashes_and_utf16_is_decoded(tmp_path):
    p = tmp_path / "a.md"
    p.write_bytes("# Zürich news\n\nText".encode("utf-16"))
    art = one(p)
    assert art.title == "Zürich news" and art.text == "# Zürich news\n\nText"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("latin.txt", "Café crème".encode("cp1252"), "not UTF-8 (byte 0xe9 at offset 3)"),
        ("x.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("bad.json", b'{"text": "a", ', "malformed JSON"),
        ("notext.json", b'{"title": "t"}', "missing required field 'text'"),
        ("type.json", b'{"text": 5}', "field 'text': must be a string, got int"),
        ("title.json", b'{"text": "a", "title": ["x"]}', "field 'title': must be a string"),
        ("scalar.json", b"42", "expected an article object or a list"),
        (
            "span.json",
            b'{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "X"}]}',
            "field 'spans[0]': 1..9 is outside the text (length 3)",
        ),
        (
            "spantext.json",
            b'{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "X", "text": "bc"}]}',
            "does not match",
        ),
    ],
)
def test_bad_inputs_give_one_line_errors(tmp_path, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    (err,) = load(p)
    assert isinstance(err, InputError)
    assert message in str(err) and str(err).startswith(str(p)) and "\n" not in str(err)


def test_missing_path_and_size_limit(tmp_path, monkeypatch):
    (err,) = load(tmp_path / "nope.txt")
    assert str(err) == f"{tmp_path / 'nope.txt'}: no such file or directory"
    monkeypatch.setattr(loaders, "MAX_ARTICLE_CHARS", 10)
    p = tmp_path / "big.txt"
    p.write_text("x" * 11)
    (err,) = load(p)
    assert "11 characters; the limit is 10" in str(err)


def test_jsonl_reports_bad_lines_and_keeps_good_ones(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text(
        json.dumps({"text": "First article.", "id": "one", "url": "http://x", "extra": 1})
        + "\n"
        + "{broken\n\n"
        + json.dumps({"title": "no text"})
        + "\n"
        + json.dumps({"text": "Second.", "published": 2024})
        + "\n"
        + json.dumps({"text": "Third.", "source": "Reuters"})
        + "\n"
    )
    items = load(p)
    assert [type(i).__name__ for i in items] == ["Article", "InputError", "InputError", "InputError", "Article"]
    assert items[0].id == "one" and items[0].meta == {"extra": 1} and items[0].url == "http://x"
    assert str(items[1]).startswith(f"{p}:2: malformed JSON")
    assert str(items[2]) == f"{p}:4: missing required field 'text'"
    assert str(items[3]) == f"{p}:5: field 'published': must be a string, got int"
    assert items[4].source == "Reuters"


def test_json_list_and_prodigy_spans_with_crlf(tmp_path):
    text = "Line one\r\nBen Wallace spoke."
    s = text.index("Ben")
    p = tmp_path / "tasks.json"
    p.write_text(
        json.dumps(
            [
                {"text": text, "spans": [{"start": s, "end": s + 11, "label": "PERSON", "token_start": 2}]},
                {"text": 3},
            ]
        )
    )
    art, err = load(p)
    assert art.text == "Line one\nBen Wallace spoke."
    (sp,) = art.imported_spans
    assert art.text[sp["start"] : sp["end"]] == "Ben Wallace" and sp["label"] == "PERSON"
    assert "field '[1].text'" in str(err)


def test_html_main_text_and_title(tmp_path):
    p = tmp_path / "page.html"
    body = " ".join(["The defence secretary told parliament that Russia lost 100,000 troops."] * 6)
    p.write_text(
        "<html><head><title>UK warns on drones | Site</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>UK warns on drones</h1><p>{body}</p><p>Second paragraph about Zürich.</p></article>"
        "<footer>Copyright 2024 Cookie settings</footer></body></html>",
        encoding="utf-8",
    )
    art = one(p)
    assert "UK warns on drones" in art.title
    assert "Russia lost 100,000 troops" in art.text and "Zürich" in art.text
    assert "Cookie settings" not in art.text


def test_html_without_text_is_an_error(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><body><script>var x=1;</script></body></html>")
    (err,) = load(p)
    assert "no article text found" in str(err)


def test_folders_are_walked(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("A\nalpha")
    (tmp_path / "sub" / "b.md").write_text("B\nbeta")
    (tmp_path / "sub" / "c.csv").write_text("x,y")
    (tmp_path / ".hidden" / "d.txt").write_text("D")
    assert [a.title for a in load(tmp_path)] == ["A", "B"]
    empty = tmp_path / "empty"
    empty.mkdir()
    (err,) = load(empty)
    assert "folder holds no" in str(err)
