"""Loading articles: formats, normalisation, and one clear error per bad input."""

from __future__ import annotations

import errno
import json
import os
import sys
import threading

import orjson
import pytest

from extractors import loaders
from extractors.loaders import iter_articles
from extractors.records import Article, InputError
from extractors.strict_json import check_text_field


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
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file, not text (a NUL byte at offset 8)"),
        ("latin.txt", "Café crème".encode("cp1252"), "not UTF-8 (byte 0xe9 at offset 3)"),
        # after a BOM: the byte and offset of the file (QA: 0x63 at 25 for 0xe9 at 28)
        ("bom.txt", b"\xef\xbb\xbfHello title\nBody text caf\xe9 here.\n", "not UTF-8 (byte 0xe9 at offset 28)"),
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


@pytest.mark.parametrize("ref", ["&#27;", "&#x1B;", "&#1;", "&#x85;"])
def test_a_reference_to_a_control_character_does_not_lose_the_page(tmp_path, ref):
    """QA: one ``&#27;`` anywhere made trafilatura drop the whole page ("no article text found"),
    where the character itself in the file was read like any other; now the same."""
    body = " ".join(["The defence secretary told parliament that Russia lost 100,000 troops."] * 5)
    p = tmp_path / "page.html"
    p.write_text(f"<html><body><article><p>{body} {ref} x</p><p>{body}</p></article></body></html>")
    art = one(p)
    assert "Russia lost 100,000 troops" in art.text and "\x1b" not in art.text
    kept = tmp_path / "kept.html"  # other references are left to the parser
    kept.write_text(f"<html><body><article><p>{body} &#233;t&#xE9; &#9;</p></article></body></html>")
    assert "été" in one(kept).text


@pytest.mark.parametrize(
    "declared",
    ['<meta charset="windows-1252">', "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>"],
)
def test_a_legacy_html_page_is_read_in_the_encoding_it_declares(tmp_path, declared):
    """QA: a page declaring windows-1252 (many older news sites) was refused as "not UTF-8"; one
    declaring nothing, or an encoding its bytes do not fit, still is."""
    body = "<p>The café in Zürich said on Monday that prices rose by 3 percent — its owner René told us.</p>"
    page = f"<html><head>{declared}<title>Café news</title></head><body><article>{body * 3}</article></body></html>"
    p = tmp_path / "page.html"
    p.write_bytes(page.encode("cp1252"))
    (art,) = load(p)
    assert art.title == "Café news" and "The café in Zürich" in art.text and "—" in art.text
    p.write_bytes(page.replace(declared, "").encode("cp1252"))
    assert "not UTF-8 (byte 0xe9" in str(load(p)[0])
    p.write_bytes(page.replace(declared, '<meta charset="utf-8">').encode("cp1252"))
    assert "not UTF-8 (byte 0xe9" in str(load(p)[0])
    # a declaration read as ASCII cannot name an encoding that reads ASCII otherwise (the page was
    # decoded as UTF-16 into CJK-looking nonsense), nor a codec that is no text encoding (a traceback)
    for other in ("utf-16le", "UTF-7", "cp037", "hex", "rot13"):
        p.write_bytes(page.replace(declared, f'<meta charset="{other}">').encode("cp1252"))
        assert "not UTF-8 (byte 0xe9" in str(load(p)[0]), other


def test_html_without_text_is_an_error(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><body><script>var x=1;</script></body></html>")
    (err,) = load(p)
    assert "no article text found" in str(err)


def test_an_index_page_is_no_article(tmp_path):
    """A front page or a section's list of links became an "article" of a heading ("Top stories")."""
    p = tmp_path / "index.html"
    links = "".join(
        f"<li><a href='/a{i}'>{title}</a></li>"
        for i, title in enumerate(["Senate passes budget", "Storm batters coast", "Central bank holds rates"])
    )
    p.write_text(
        "<html><head><title>News - Home</title></head><body><nav><a href='/world'>World</a></nav>"
        f"<main><h2>Top stories</h2><ul>{links}</ul></main><footer>© 2026 News</footer></body></html>"
    )
    (err,) = load(p)
    assert "no article text found in the HTML: its longest passage is" in str(err), err
    assert "index.html" in str(err)
    p.write_text(
        "<html><body><article><p>A storm battered the coast overnight, leaving thousands without power.</p></article></body></html>"
    )
    assert "thousands without power" in one(p).text  # a short story of one passage is still an article


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


# ----------------------------------------------------------------------------- issue #10: hostile input


def test_jsonl_splits_on_newline_only_and_keeps_unicode_line_breaks_in_text(tmp_path):
    texts = ["Para one\u2028para two.", "Next\u0085line and\x0cform feed.", "Tab\tvt\x0bfs\x1cgs\x1drs\x1e\u2029end."]
    p = tmp_path / "export.jsonl"
    # json.dumps(ensure_ascii=False) writes U+2028, U+0085 raw, as newsreview's own export does
    p.write_bytes(
        (
            "\r\n".join(json.dumps({"text": t, "id": f"x{i}"}, ensure_ascii=False) for i, t in enumerate(texts)) + "\n"
        ).encode()
    )
    items = load(p)
    assert [type(i).__name__ for i in items] == ["Article"] * 3
    assert [a.text for a in items] == texts
    assert [a.path for a in items] == [f"{p}:1", f"{p}:2", f"{p}:3"]


def test_jsonl_line_numbers_count_newlines_only(tmp_path):
    p = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "a\u2028b"}, ensure_ascii=False),
        "",
        json.dumps({"text": "c\x85d"}, ensure_ascii=False),
        "{bad",
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = load(p)
    assert [type(i).__name__ for i in items] == ["Article", "Article", "InputError"]
    assert str(items[2]).startswith(f"{p}:4: malformed JSON")


def test_jsonl_bad_lines_fail_alone_with_located_messages(tmp_path):
    p = tmp_path / "feed.jsonl"
    good = json.dumps({"text": "Good article."}).encode()
    p.write_bytes(
        b"\n".join(
            [
                good,
                b'{"text": "Caf\xe9 in cp1252"}',  # 2: not UTF-8
                b'{"text": "ok", "title": "x\\ud800"}',  # 3: lone surrogate
                b'{"text": "ok", "meta": {"k\\udc00": 1}}',  # 4: lone surrogate in a key
                b'{"text": "ok", "score": NaN}',  # 5
                b'{"text": "ok", "score": -Infinity}',  # 6
                b'{"text": "ok", "n": 1e999}',  # 7
                b"[" * 200_000,  # 8: today a RecursionError
                b'{"text": "ok", "meta": ' + b"[" * 70 + b"]" * 70 + b"}",  # 9: deeper than 64
                good,  # 10
            ]
        )
        + b"\n"
    )
    items = load(p)
    assert isinstance(items[0], Article) and isinstance(items[-1], Article) and len(items) == 10
    assert [str(e).removeprefix(str(p)) for e in items[1:-1]] == [
        ":2: not UTF-8 (byte 0xe9) (column 14)",
        ":3: field 'title': lone surrogate U+D800 (half of a UTF-16 pair, not a character)",
        ":4: field 'meta': a key holds a lone surrogate U+DC00 (half of a UTF-16 pair, not a character)",
        ":5: field 'score': NaN is not a JSON number",
        ":6: field 'score': -Infinity is not a JSON number",
        ":7: field 'n': number 1e999 is out of range",
        ":8: nested deeper than 64 levels (column 1026)",
        ":9: field 'meta[0]': nested deeper than 64 levels",
    ]


def test_json_list_bad_items_fail_alone(tmp_path):
    p = tmp_path / "list.json"
    p.write_bytes(
        b'[{"text": "One."},\n {"text": "Two", "score": NaN},\n {"text": "\\udead"},\n '
        + b"[" * 80
        + b"]" * 80
        + b',\n {"text": "Five.", "spans": [{"start": 0, "end": 4, "label": "'
        + b"X" * 65
        + b'"}]},\n {"text": "Six."}]'
    )
    items = load(p)
    assert [a.text for a in items if isinstance(a, Article)] == ["One.", "Six."]
    assert [str(e).removeprefix(str(p)) for e in items if isinstance(e, InputError)] == [
        ": field '[1].score': NaN is not a JSON number",
        ": field '[2].text': lone surrogate U+DEAD (half of a UTF-16 pair, not a character)",
        ": field '[3][0][0]': nested deeper than 64 levels",
        ": field '[4].spans[0].label': at most 64 characters, got 65",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"[" * 200_000 + b"]" * 200_000, "nested deeper than 64 levels (column 1026)"),
        (b'{"text": "a",\n "b": \n [1 2]}', ":3: malformed JSON: unexpected character, expected ',' or ']' (column 5)"),
        (b'{"text": "a",\n "b": "\xff"}', ":2: not UTF-8 (byte 0xff) (column 8)"),
        (b'{"text": "a", "b": NaN}', ": field 'b': NaN is not a JSON number"),
        (b"  \n\t ", ": empty file (only whitespace)"),
    ],
)
def test_json_file_refused_as_a_whole_with_one_line(tmp_path, data, message):
    p = tmp_path / "doc.json"
    p.write_bytes(data)
    (err,) = load(p)
    assert isinstance(err, InputError) and "\n" not in str(err)
    assert str(err).startswith(str(p)) and message in str(err)


def record_error(tmp_path, record: dict) -> str:
    p = tmp_path / "feed.jsonl"
    p.write_text("\n\n\n" + json.dumps(record) + "\n", encoding="utf-8")
    (err,) = load(p)
    assert isinstance(err, InputError), err
    return str(err).removeprefix(f"{p}:4: ")


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"spans": [{"start": 0, "end": 1, "label": "A"}] * 2 + [{"start": 0, "end": 1, "label": "L" * 300}]},
            "field 'spans[2].label': at most 64 characters, got 300",
        ),
        ({"spans": [{"start": 0, "end": 1, "label": ""}]}, "field 'spans[0].label': must not be empty"),
        (
            {"spans": [{"start": 0, "end": 1, "label": "PER\x1b[2J"}]},
            "field 'spans[0].label': must not contain a control character (U+001B) (character 4)",
        ),
        (
            {"spans": [{"start": 0, "end": 1, "label": "A\u202eB"}]},
            "field 'spans[0].label': must not contain a bidirectional control character (U+202E)",
        ),
        (
            {"spans": [{"start": 0, "end": 1, "label": "A\u2028"}]},
            "field 'spans[0].label': must not contain a line break (U+2028)",
        ),
        (
            {"spans": [{"start": 0, "end": 1, "label": " A"}]},
            "field 'spans[0].label': must not start or end with whitespace",
        ),
        ({"spans": [{"start": 0, "end": 1}]}, "field 'spans[0].label': must be a string, got null"),
        ({"spans": [{"start": "0", "end": 1, "label": "A"}]}, "field 'spans[0].start': must be an integer, got string"),
        ({"spans": [{"start": 2, "end": 2, "label": "A"}]}, "field 'spans[0]': 2..2 is empty"),
        ({"spans": 0}, "field 'spans': must be a list of {start, end, label} objects, got int"),
        ({"id": "x" * 201}, "field 'id': at most 200 characters, got 201"),
        ({"id": "a\x00b"}, "field 'id': must not contain a control character (U+0000)"),
        ({"id": 1.5}, "field 'id': must be a string, got float"),
        ({"title": "T" * 1001}, "field 'title': at most 1,000 characters, got 1,001"),
        ({"title": "Two\nlines"}, "field 'title': must not contain a line break (U+000A) (character 4)"),
        ({"title": "Evil\x1b]52;c;aGk=\x07"}, "field 'title': must not contain a control character (U+001B)"),
        ({"source": "s" * 2001}, "field 'source': at most 2,000 characters, got 2,001"),
        ({"url": "http://x/\x9b31m"}, "field 'url': must not contain a control character (U+009B)"),
        ({"published": "2024\u2066"}, "field 'published': must not contain a bidirectional control character (U+2066)"),
        ({"meta": "x"}, "field 'meta': must be an object, got string"),
        (
            {"meta": {"html": "x" * 70_000}},
            "field 'meta': at most 65,536 bytes serialised (with the other unknown fields), got 70,011; the largest is \"html\" (70,002 bytes)",
        ),
        ({"body_html": "x" * 40_000, "meta": {"raw": "y" * 30_000}}, "field 'meta': at most 65,536 bytes serialised"),
    ],
)
def test_record_field_limits(tmp_path, fields, message):
    assert record_error(tmp_path, {"text": "Some text here.", **fields}).startswith(message)


def test_record_fields_at_their_limits_load(tmp_path):
    p = tmp_path / "ok.jsonl"
    text = "Body \x1b[31m keeps \u202e control \x00 characters\u2028."
    rec = {
        "text": text,
        "title": "T" * 1000,
        "id": "i" * 200,
        "source": "s" * 2000,
        "url": "u" * 2000,
        "published": "p" * 2000,
        "spans": [{"start": 0, "end": 4, "label": "L" * 64}, {"start": 0, "end": 4, "label": "L" * 64}],
        "tokens": [{"text": "Body", "start": 0, "end": 4, "id": 0}] * 5000,  # Prodigy's: dropped
        "meta": {"m": "x" * 60_000},
    }
    p.write_text(json.dumps(rec), encoding="utf-8")
    art = one(p)
    assert art.text == text and art.title == "T" * 1000 and art.id == "i" * 200
    assert art.imported_spans == [{"start": 0, "end": 4, "label": "L" * 64}]  # the duplicate is one span
    assert set(art.meta) == {"m"}


def test_span_over_only_the_cr_of_crlf_is_refused(tmp_path):
    assert record_error(tmp_path, {"text": "ab\r\ncd", "spans": [{"start": 2, "end": 3, "label": "X"}]}) == (
        "field 'spans[0]': covers only the \\r of a \\r\\n line break"
    )


def test_a_span_of_only_whitespace_is_refused(tmp_path):
    """QA: a Prodigy span over a \r\n (or spaces) became an entity "\n"; apply refuses such a span."""
    assert record_error(tmp_path, {"text": "Alpha\r\nBeta", "spans": [{"start": 5, "end": 7, "label": "X"}]}) == (
        "field 'spans[0]': 5..7 is only whitespace"
    )
    assert record_error(tmp_path, {"text": "a  b", "spans": [{"start": 1, "end": 3, "label": "X"}]}) == (
        "field 'spans[0]': 1..3 is only whitespace"
    )


def test_a_span_s_whitespace_edges_are_not_the_entity(tmp_path):
    """Another tool's span " Iowa" (or "Dallas\r\n") is the entity "Iowa": apply refuses an entity
    that begins or ends with whitespace, so an import that kept one could not be decided as given."""
    text = "In Iowa and Dallas\r\nthey voted."
    p = tmp_path / "spans.jsonl"
    spans = [{"start": 2, "end": 7, "label": "GPE"}, {"start": 12, "end": 20, "label": "GPE", "text": "Dallas\r\n"}]
    p.write_text(json.dumps({"text": text, "spans": spans}) + "\n", encoding="utf-8")
    art = one(p)
    assert [art.text[s["start"] : s["end"]] for s in art.imported_spans] == ["Iowa", "Dallas"]


def test_derived_titles_are_one_clean_line(tmp_path):
    p = tmp_path / "evil.txt"
    p.write_text("Head\x1b]52;c;aGk=\x07line\u202e with\ttab " + "long " * 100 + "\nBody", encoding="utf-8")
    art = one(p)
    assert art.title.startswith("Head\u241b]52;c;aGk=\u2407line\ufffd with tab long")  # as the body shows them
    assert len(art.title) == 200 and art.title.endswith("…")
    assert art.text.startswith("Head\x1b]52")  # the text is data: kept as it is
    q = tmp_path / "notitle.json"
    q.write_text(json.dumps({"text": "\n  First\x85line\tof it\u2028x\nmore", "title": "   "}))
    assert one(q).title == "First line of it x"


def test_html_metadata_is_clean_and_a_crashing_metadata_parser_costs_only_the_metadata(tmp_path):
    body = "<p>" + "The minister said that the economy grew by three percent last year. " * 8 + "</p>"
    p = tmp_path / "odd.html"
    # htmldate (inside trafilatura's extract_metadata) trips an lxml assertion on this tree
    p.write_text("<svg><a><div></div><a>" + body, encoding="utf-8")
    art = one(p)
    assert "economy grew" in art.text and art.source == "odd.html" and art.meta == {}
    q = tmp_path / "ctl.html"
    bad = "A\u202eB\u2066C\x85D\x9bE\u2028F\x1bG"
    q.write_text(
        f"<html><head><title>T{bad}</title><meta name='author' content='{bad}'>"
        f"<meta property='og:site_name' content='S{bad}'></head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    art = one(q)
    for value in (art.title, art.source, art.url, art.published, *map(str, art.meta.values())):
        assert check_text_field(value, "x") == value


def test_file_names_that_are_not_utf8_or_hold_controls_are_escaped(tmp_path):
    name = os.fsdecode(b"caf\xe9\x1b.txt")
    (tmp_path / name).write_text("Title\nBody", encoding="utf-8")
    art = one(tmp_path / name)
    assert art.source == "caf\\xe9\\x1b.txt" and art.path == str(tmp_path / "caf\\xe9\\x1b.txt")
    orjson.dumps(art.__dict__)  # storable: no lone surrogates left
    (tmp_path / os.fsdecode(b"x\xff.json")).write_bytes(b"{")
    (err,) = load(tmp_path / os.fsdecode(b"x\xff.json"))
    assert str(err).startswith(str(tmp_path / "x\\xff.json"))
    orjson.dumps(str(err))


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_non_regular_files_are_refused_without_blocking(tmp_path, kind):
    if kind == "fifo":
        p = tmp_path / "feed.jsonl"
        os.mkfifo(p)
    else:
        p = tmp_path / "zero.txt"
        os.symlink("/dev/zero", p)
    out: list = []
    worker = threading.Thread(target=lambda: out.extend(load(p)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "blocked on a non-regular file"
    (err,) = out
    what = "a named pipe" if kind == "fifo" else "a character device"
    assert str(err) == f"{p}: not a regular file ({what}); only files can be read"
    (err,) = load("/dev/zero")
    assert str(err) == "/dev/zero: not a regular file (a character device); only files can be read"


def test_folder_walk_skips_fifos_follows_links_once_and_reports_broken_ones(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("A\nalpha")
    (root / "sub" / "b.txt").write_text("B\nbeta")
    os.symlink("..", root / "sub" / "loop")  # a loop: walked once
    os.symlink("self.txt", root / "sub" / "self.txt")
    os.symlink("missing", root / "sub" / "gone.md")
    os.mkfifo(root / "sub" / "pipe.jsonl")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "c.md").write_text("C\ngamma")
    os.symlink(outside, root / "linked")
    out = [a.title if isinstance(a, Article) else str(a).removeprefix(str(root) + "/") for a in load(root)]
    assert out == [
        "A",
        "C",
        "B",
        "sub/gone.md: broken symbolic link",
        "sub/pipe.jsonl: not a regular file (a named pipe); only files can be read",
        "sub/self.txt: too many levels of symbolic links",
    ]


def test_deep_folders_do_not_recurse(tmp_path):
    path = tmp_path
    for _ in range(60):
        path = path / "d"
    path.mkdir(parents=True)
    (path / "deep.txt").write_text("Deep\ntext")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(50)
    try:
        items = load(tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert [a.title for a in items] == ["Deep"]


def test_unreadable_files_and_folders_are_one_line_each(tmp_path, monkeypatch):
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.txt").write_text("X\nx")
    (root / "secret.txt").write_text("S\ns")
    (root / "ok.txt").write_text("O\no")
    real_open, real_scandir = os.open, os.scandir

    def deny_open(path, *args, **kwargs):
        if str(path).endswith("secret.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def deny_scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    out = [a.title if isinstance(a, Article) else str(a) for a in load(root)]
    assert out == [
        f"{root / 'locked'}: cannot read folder: permission denied",
        "O",
        f"{root / 'secret.txt'}: permission denied",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_for_real(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("S\ns")
    p.chmod(0)
    (err,) = load(p)
    assert str(err) == f"{p}: permission denied"


def test_a_file_that_disappears_during_the_walk(tmp_path):
    (tmp_path / "a.txt").write_text("A\nalpha")
    (tmp_path / "b.txt").write_text("B\nbeta")
    items = iter_articles([tmp_path])
    first = next(items)
    assert isinstance(first, Article) and first.title == "A"
    (tmp_path / "b.txt").unlink()
    (err,) = list(items)
    assert str(err) == f"{tmp_path / 'b.txt'}: no such file or directory"


def test_encodings_and_boms(tmp_path):
    (tmp_path / "u32.txt").write_bytes("Zürich 😀\nText".encode("utf-32"))
    assert one(tmp_path / "u32.txt").text == "Zürich 😀\nText"
    (tmp_path / "bom.jsonl").write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"text": "x\u2028y"}, ensure_ascii=False).encode() + b"\r\n"
    )
    assert one(tmp_path / "bom.jsonl").text == "x\u2028y"
    (tmp_path / "u16.jsonl").write_bytes(('{"text": "a"}\n{"text": "b\u2028c"}\n').encode("utf-16"))
    assert [a.text for a in load(tmp_path / "u16.jsonl")] == ["a", "b\u2028c"]
    # two BOM-marked files concatenated (cat a.jsonl b.jsonl): the second BOM starts a line
    (tmp_path / "cat.jsonl").write_bytes(b'\xef\xbb\xbf{"text": "a"}\n\xef\xbb\xbf{"text": "b"}\n')
    assert [a.text for a in load(tmp_path / "cat.jsonl")] == ["a", "b"]
    (tmp_path / "bom.json").write_bytes(b'\xef\xbb\xbf{"text": "z"}')
    assert one(tmp_path / "bom.json").text == "z"
    (tmp_path / "bad16.txt").write_bytes(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    (err,) = load(tmp_path / "bad16.txt")
    assert "invalid UTF-16 at byte" in str(err)


def test_file_size_limit_is_enforced_on_what_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 100)
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": "x" * 200}))
    (err,) = load(p)
    assert str(err) == f"{p}: file is 212 bytes; the limit is 100"


def exported_article(i: int, text: str) -> dict:
    """An article as newsreview's export writes it (README, Export format), with many candidates."""
    entity = {"id": "e-0", "start": 0, "end": 4, "text": text[:4], "label": "ORG", "token_start": 0, "token_end": 1}
    entity |= {"status": "accepted", "origin": "model", "model": "en_core_web_sm-3.8.0", "reviewer": "ana"}
    return {
        "id": f"a-{i}",
        "title": f"Title {i}",
        "text": text,
        "source": "x.txt",
        "url": "",
        "published": "",
        "meta": {"desk": "europe"},
        "review": {"status": "done", "reviewers": ["ana"], "decided": 400, "total": 400, "updated_at": "2024-01-01"},
        "entities": [entity] * 300,
        "claims": [],
        # QA: the groups of a long article were over the meta limit, and short ones came back as meta
        "groups": [{"id": f"g-{n}", "label": "ORG", "members": [f"e-{n}"] * 40} for n in range(300)],
    }


def test_our_own_export_loads_again(tmp_path):
    texts = ["Text one\u2028with a line separator.", "Text two\x85with NEL\x0cand a form feed."]
    arts = [exported_article(i, t) for i, t in enumerate(texts)]
    jl = tmp_path / "export.jsonl"
    jl.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), encoding="utf-8")
    js = tmp_path / "export.json"
    js.write_text(json.dumps({"format": "newsreview/1", "exported_at": "2024-01-01T00:00:00Z", "articles": arts}))
    for path in (jl, js):
        items = load(path)
        assert [a.text for a in items] == texts, items
        assert [a.meta for a in items] == [{"desk": "europe"}] * 2  # candidates and review state are not meta
        assert [a.id for a in items] == ["a-0", "a-1"]
    other = tmp_path / "other.json"  # another tool's "groups" is its own: kept as meta
    other.write_text(json.dumps({"text": "Some text here.", "groups": ["a"], "review": "yes"}))
    assert load(other)[0].meta == {"groups": ["a"]}
    js.write_text(json.dumps({"format": "newsreview/1", "articles": [arts[0], {"title": "x"}]}))
    art, err = load(js)
    assert art.id == "a-0" and str(err) == f"{js}: field 'articles[1]': missing required field 'text'"


def test_our_prodigy_tasks_span_lists_are_read_not_counted_as_meta(tmp_path):
    """QA: our own Prodigy export of a long article (its pending entities under meta.pending_spans)
    could not be added back: the lists alone passed the meta limit. A task's lists are read as its
    decisions and not kept as meta; a record that is no task keeps such a key as data (and its size
    counts)."""
    words = [f"Name{i}" for i in range(6000)]
    text = " ".join(words)
    spans, at = [], 0
    for word in words:
        spans.append({"start": at, "end": at + len(word), "label": "PERSON"})
        at += len(word) + 1
    task = {"text": text, "answer": "accept", "_annotator_id": "ann", "spans": spans[:1],
            "meta": {"id": "x", "pending_spans": spans[1:], "rejected_spans": spans[:5]}}  # fmt: skip
    path = tmp_path / "task.jsonl"
    path.write_text(json.dumps(task) + "\n")
    (art,) = list(iter_articles([path]))
    assert isinstance(art, Article), art
    assert len(art.undecided_spans) == 5999 and "pending_spans" not in art.meta and art.meta["id"] == "x"
    del task["answer"], task["_annotator_id"]  # no task: the key is data, and too big
    path.write_text(json.dumps(task) + "\n")
    (err,) = list(iter_articles([path]))
    assert isinstance(err, InputError) and 'the largest is "pending_spans"' in str(err)


def test_other_tools_entity_spans_are_read_as_spans(tmp_path):
    """QA: doccano's, Label Studio's (JSON-MIN) and spaCy's entity annotations were kept as meta, or
    dropped, with nothing said: they are imported spans like a Prodigy task's; a field of another
    shape (doccano's text classification) stays meta, and a bad span is an error naming its field."""
    text = "Angela Merkel met Emmanuel Macron in Paris."
    merkel, paris = [0, 13, "PER"], [37, 42, "LOC"]
    records = [
        {"text": text, "label": [merkel, paris]},  # doccano sequence labelling
        {
            "text": text,
            "entities": [
                {"id": 1, "start_offset": 0, "end_offset": 13, "label": "PER"},
                {"id": 2, "start_offset": 37, "end_offset": 42, "label": "LOC"},
            ],
        },
        {
            "text": text,
            "label": [
                {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PER"]},
                {"start": 37, "end": 42, "text": "Paris", "labels": ["LOC"]},
            ],
        },
        {
            "text": text,
            "ents": [{"start": 0, "end": 13, "label": "PER"}, {"start": 37, "end": 42, "label": "LOC"}],
            "tokens": [],
        },
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    arts = list(iter_articles([path]))
    for art in arts:
        assert isinstance(art, Article), art
        assert [(text[s["start"] : s["end"]], s["label"]) for s in art.imported_spans] == [
            ("Angela Merkel", "PER"),
            ("Paris", "LOC"),
        ]
        assert not {"label", "entities", "ents"} & art.meta.keys()
    path.write_text(json.dumps({"text": text, "label": ["positive"]}) + "\n")
    (art,) = list(iter_articles([path]))
    assert art.meta == {"label": ["positive"]} and not art.imported_spans
    path.write_text(json.dumps({"text": text, "label": [[0, 99, "PER"]]}) + "\n")
    (err,) = list(iter_articles([path]))
    assert isinstance(err, InputError) and "field 'label[0]': 0..99 is outside the text" in str(err)
    path.write_text(json.dumps({"text": text, "label": [["a", "b", "c"]]}) + "\n")  # no span list: meta
    (art,) = list(iter_articles([path]))
    assert art.meta == {"label": [["a", "b", "c"]]} and not art.imported_spans
    # review: Label Studio counts UTF-16 units, so offsets after an emoji are off by one; its text says so
    emoji = "\U0001f4a9This is an annotation."
    ls = {"text": emoji, "label": [{"start": 13, "end": 23, "text": "annotation", "labels": ["X"]}]}
    path.write_text(json.dumps(ls) + "\n")
    (err,) = list(iter_articles([path]))
    assert isinstance(err, InputError) and "field 'label[0]': text 'annotation' does not match" in str(err)
