"""extractors.strict_json: strict JSON with located one-line errors, \\n-only lines, field rules."""

from __future__ import annotations

import contextlib
import json
import sys
import unicodedata

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import strict_json as sj
from extractors.strict_json import (
    MAX_DEPTH,
    FieldError,
    JSONInputError,
    check_article_text,
    check_identifier,
    check_label,
    check_meta,
    check_reviewer,
    check_text_field,
    is_blank,
    iter_lines,
    loads,
    loads_items,
    tidy_line,
)
from tui.sanitize import clean_line


def refusal(data: str | bytes) -> JSONInputError:
    with pytest.raises(JSONInputError) as info:
        loads(data)
    err = info.value
    assert isinstance(err, ValueError) and "\n" not in str(err)
    return err


# ---------------------------------------------------------------------------------------------- loads


def test_valid_json_parses_like_the_standard_library():
    doc = '{"a": [1, 2.5, -3, true, false, null, "é\\u2028😀\\ud83d\\ude00"], "b": {"c": {}}, "d": "\\u0000\\u001b"}'
    assert loads(doc) == json.loads(doc) == loads(doc.encode("utf-8"))


def test_bom_is_ignored_and_duplicate_keys_keep_the_last():
    assert loads(b'\xef\xbb\xbf{"a": 1, "a": 2}') == {"a": 2}
    assert loads("\ufeff[1]") == [1]


@pytest.mark.parametrize(
    "doc, message",
    [
        (b'{"title": "x\\ud800y"}', "field 'title': lone surrogate U+D800"),
        (b'{"spans": [{"label": "\\udc00"}]}', "field 'spans[0].label': lone surrogate U+DC00"),
        (b'{"meta": {"k\\udbff": 1}}', "field 'meta': a key holds a lone surrogate U+DBFF"),
        (b'{"a": "\\ud800\\u0041"}', "field 'a': lone surrogate U+D800"),
        (b'"\\udfff"', "lone surrogate U+DFFF (half of a UTF-16 pair, not a character) (column 2)"),
        (b'{"score": NaN}', "field 'score': NaN is not a JSON number"),
        (b'[1, {"x": [Infinity]}]', "field '[1].x[0]': Infinity is not a JSON number"),
        (b'{"a": -Infinity}', "field 'a': -Infinity is not a JSON number"),
        (b'{"n": 1e400}', "field 'n': number 1e400 is out of range"),
        (b'{"n": ' + b"9" * 5000 + b"}", "field 'n': number 99999999999999999999… is out of range"),
        (b'{"t": "caf\xe9"}', "not UTF-8 (byte 0xe9) (column 11)"),
        (b'{"t":\n\n  "ok\xed\xa0\x80"}', "not UTF-8 (byte 0xed) (line 3, column 6)"),
        (b'{"a": 1,}', "malformed JSON: trailing comma is not allowed (column 8)"),
        (b'{"a": 1} x', "malformed JSON: unexpected content after document (column 10)"),
        (b'"tab\tinside"', "malformed JSON: unexpected control character in string (column 5)"),
        (b"", "empty document"),
        (b" \n ", "empty document"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), f"field '[0][0]': nested deeper than {MAX_DEPTH} levels"),
        (b'{"meta": ' + b'{"a": ' * MAX_DEPTH + b"1" + b"}" * (MAX_DEPTH + 1), "field 'meta.a': nested deeper than"),
        (b"[" * 200_000, f"nested deeper than {MAX_DEPTH} levels (column 1026)"),
        (b"[" * 200_000 + b"]" * 200_000, f"nested deeper than {MAX_DEPTH} levels"),
    ],
)
def test_refused_json_gets_a_one_line_located_reason(doc, message):
    assert message in str(refusal(doc))


def test_nesting_up_to_the_limit_is_fine_and_no_recursion_error_anywhere():
    assert loads(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the walk is iterative: no Python recursion however deep the input
    try:
        for doc in (b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000, b"[" * 2000):
            refusal(doc)
    finally:
        sys.setrecursionlimit(limit)


def test_str_input_with_lone_surrogate_characters_is_located():
    assert (
        str(refusal('{"title": "x\ud800"}'))
        == "field 'title': lone surrogate U+D800 (half of a UTF-16 pair, not a character)"
    )
    assert "column 11" in str(refusal('{"a": 1}  \udc80'))


def test_error_carries_field_line_and_column():
    err = refusal(b'{\n "a": [1,\n  2 x]}')
    assert (err.field, err.line, err.column) == (None, 3, 5)
    assert err.reason.startswith("malformed JSON") and err.where == "line 3, column 5"
    err = refusal(b'{"a": {"b": NaN}}')
    assert (err.field, err.reason) == ("a.b", "NaN is not a JSON number")


def test_odd_keys_are_quoted_in_field_paths():
    err = refusal('{"a b": {"x\\u001by": NaN}}')
    assert err.field == '["a b"]["x\\u001by"]'
    assert clean_line(str(err)) == str(err)  # the escape stays escaped: safe to print


def test_loads_items_keeps_the_good_items_of_a_list():
    doc = b'[{"text": "a"}, {"text": "\\ud800"}, {"x": NaN}, ' + b"[" * 70 + b"]" * 70 + b', {"text": "b"}]'
    items = loads_items(doc)
    assert isinstance(items, list) and items[0] == {"text": "a"} and items[4] == {"text": "b"}
    assert [str(e) for e in items[1:4]] == [
        "field '[1].text': lone surrogate U+D800 (half of a UTF-16 pair, not a character)",
        "field '[2].x': NaN is not a JSON number",
        f"field '[3][0][0]': nested deeper than {MAX_DEPTH} levels",
    ]
    good = b"[" + b",".join([b'{"a": ' * 60 + b"1" + b"}" * 60] * 2) + b"]"  # 61 levels: within the limit
    assert all(isinstance(i, dict) for i in loads_items(good))  # type: ignore[union-attr]


def test_loads_items_on_a_single_object_or_malformed_json_fails_as_a_whole():
    with pytest.raises(JSONInputError, match="field 'x': NaN"):
        loads_items(b'{"x": NaN}')
    with pytest.raises(JSONInputError, match="malformed JSON"):
        loads_items(b'[{"text": "a"}, {"text": ]')


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=["Cs"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300)
@given(json_values, st.booleans())
def test_any_valid_document_round_trips(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert loads(text) == json.loads(text)
    assert loads(text.encode("utf-8")) == json.loads(text)


@settings(max_examples=500)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_arbitrary_input_parses_or_raises_a_one_line_json_input_error(data):
    try:
        loads(data)
    except JSONInputError as err:
        assert str(err) and "\n" not in str(err)
    with contextlib.suppress(JSONInputError):
        loads_items(data)


# ------------------------------------------------------------------------------------------ iter_lines


def test_lines_split_on_newline_only():
    text = 'a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\rj\r\n{"k": 1}\n\nlast'
    lines = list(iter_lines(text))
    assert lines == [(1, "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\rj"), (2, '{"k": 1}'), (3, ""), (4, "last")]
    assert list(iter_lines(text.encode("utf-8"))) == [(n, s.encode("utf-8")) for n, s in lines]
    assert len(text.splitlines()) == 13  # what the old reader split it into


def test_lines_bom_and_trailing_newline():
    assert list(iter_lines(b"\xef\xbb\xbfx\r\ny\n")) == [(1, b"x"), (2, b"y")]
    assert list(iter_lines("\ufeffx\n\n")) == [(1, "x"), (2, "")]
    assert list(iter_lines("")) == [] and list(iter_lines(b"\n")) == [(1, b"")]


def test_blank_lines_are_json_whitespace_only():
    assert is_blank(" \t\r") and is_blank(b"") and is_blank(b" \t")
    assert not is_blank("\u00a0") and not is_blank(b"\x0c") and not is_blank("x")


# ---------------------------------------------------------------------------------------------- fields


def refused(check, value, *args, **kwargs) -> str:
    with pytest.raises(FieldError) as info:
        check(value, *args, **kwargs)
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)
    return str(info.value)


def test_labels():
    assert check_label("PERSON") == "PERSON" and check_label("Org name 2", "x") == "Org name 2"
    assert check_label("L" * 64) == "L" * 64
    assert refused(check_label, "L" * 300, "spans[2].label") == "field 'spans[2].label': at most 64 characters, got 300"
    assert refused(check_label, "") == "field 'label': must not be empty"
    assert refused(check_label, 5) == "field 'label': must be a string, got int"
    assert refused(check_label, None) == "field 'label': must be a string, got null"
    assert "must not start or end with whitespace" in refused(check_label, "PER ")
    assert "a control character (U+001B) (character 4)" in refused(check_label, "PER\x1b[31m")
    assert "a line break (U+2028)" in refused(check_label, "A\u2028B")
    assert "a line break (U+000A)" in refused(check_label, "A\nB")
    assert "a bidirectional control character (U+202E)" in refused(check_label, "A\u202eB")
    assert "a lone surrogate (U+D800)" in refused(check_label, "A\ud800")
    assert "a control character (U+009B)" in refused(check_label, "A\x9bB")
    for ch in ("\u200b", "\ufeff", "\u034f", "\u00ad", "\u2060"):
        assert f"an invisible character (U+{ord(ch):04X}) (character 4)" in refused(check_label, f"ORG{ch}")
    assert check_label("PERSÖN") == "PERSÖN" and check_label("組織") == "組織"


# The characters a terminal interprets or reorders, as tui.sanitize sees them, and a sample of others.
PROBE = [chr(c) for c in (*range(0x00, 0x100), 0x061C, *range(0x2000, 0x2070), *range(0xD7FE, 0xE002), 0xFEFF)]


def test_field_checks_refuse_exactly_what_the_sanitiser_would_change():
    for ch in PROBE:
        value = f"a{ch}b"
        unsafe = clean_line(value) != value
        try:
            check_label(value)
            refused_label = False
        except FieldError:
            refused_label = True
        # a label refuses what draws nothing too (QA: "ORG\u200b" looked like ORG and was another label)
        invisible = unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp")
        assert refused_label == (unsafe or invisible), (hex(ord(ch)), unsafe)
        try:
            check_text_field(value, "title")
            refused_text = False
        except FieldError:
            refused_text = True
        assert refused_text == unsafe, hex(ord(ch))


def test_identifiers():
    assert check_identifier("a-0123abcd") == "a-0123abcd"
    assert refused(check_identifier, "x" * 201) == "field 'id': at most 200 characters, got 201"
    assert "U+0007" in refused(check_identifier, "a\x07", "article")
    assert refused(check_identifier, "", "candidate") == "field 'candidate': must not be empty"
    assert check_identifier("x" * 30, max_chars=30)


def test_text_fields():
    assert check_text_field("", "url") == ""
    assert check_text_field("T" * 1000, "title", max_chars=1000)
    assert (
        refused(check_text_field, "T" * 1001, "title", max_chars=1000)
        == "field 'title': at most 1,000 characters, got 1,001"
    )
    assert "a line break (U+000A) (character 4)" in refused(check_text_field, "One\nTwo", "title")
    assert "(U+0009)" in refused(check_text_field, "a\tb", "source")
    assert check_text_field("a note\n\twith lines", "note", multiline=True)
    assert "U+001B" in refused(check_text_field, "a\n\x1b", "note", multiline=True)
    assert "U+2028" in refused(check_text_field, "a\u2028", "note", multiline=True)
    assert refused(check_text_field, ["x"], "title") == "field 'title': must be a string, got array"


def test_article_text_keeps_controls_but_not_lone_surrogates():
    text = "Body \x1b[31m red \u202e \x00 \u2028 \x85 text"
    assert check_article_text(text) == text
    assert "lone surrogate (U+DC80, character 3)" in refused(check_article_text, "ab\udc80")
    assert refused(check_article_text, " \n ") == "field 'text': is only whitespace"
    assert "article is 11 characters; the limit is 10" in refused(check_article_text, "x" * 11, max_chars=10)


def test_reviewer_names():
    assert check_reviewer("Ana María") == "Ana María"
    assert check_reviewer("Jose\u0301") == "José"  # NFC: one reviewer whichever way it was typed
    assert check_reviewer("李明") == "李明" and check_reviewer("o'brien-2") == "o'brien-2"
    for name, message in [
        ("", "must not be empty"),
        ("a" * 65, "at most 64 characters, got 65"),
        ("😀" * 49, "at most 192 bytes in UTF-8, got 196"),
        ("../etc", "must not contain '/'"),
        ("a\\b", "must not contain '\\'"),
        ("a:b", "must not contain ':'"),
        (".hidden", "must not start with a dot"),
        ("name.", "must not end with a dot"),
        (" ana", "must not start or end with whitespace"),
        ("ana\x1b]0;x\x07", "a control character (U+001B)"),
        ("ana\u202e", "a bidirectional control character (U+202E)"),
        ("a\u200db", "a non-printable character (U+200D)"),
        ("a\u00a0b", "a non-printable character (U+00A0)"),
        ("a\ud800", "a lone surrogate (U+D800)"),
        (None, "must be a string, got null"),
    ]:
        assert message in refused(check_reviewer, name), name


def test_meta():
    assert check_meta({"a": [1, {"b": "c"}]}) == {"a": [1, {"b": "c"}]}
    assert refused(check_meta, [1]) == "field 'meta': must be an object, got array"
    assert refused(check_meta, {"x": "y" * 70_000}) == "field 'meta': at most 65,536 bytes serialised, got 70,008"
    deep: object = 1
    for _ in range(MAX_DEPTH):
        deep = [deep]
    assert "nested deeper than 64 levels" in refused(check_meta, {"a": deep})
    assert "lone surrogate" in refused(check_meta, {"a": "\ud800"})
    assert "must hold only JSON values" in refused(check_meta, {"a": {1, 2}})


def test_tidy_line():
    assert tidy_line("  A\ttitle\n with\u2028breaks\x85 ", 100) == "A title with breaks"
    # the symbols the article pane shows for the same characters (tui.sanitize.clean)
    assert tidy_line("x\x1b[31m\u202ey\x7f\x07\x9b", 100) == "x\u241b[31m\ufffdy\u2421\u2407\ufffd"
    from tui.sanitize import clean

    for ch in ["\x1b", "\x00", "\x07", "\x7f", "\x9b", "\u202e", "\u2066", "\ud800"]:
        assert tidy_line(f"a{ch}b", 10) == clean(f"a{ch}b"), repr(ch)
    assert tidy_line("word " * 100, 20) == "word word word word…"
    assert len(tidy_line("y" * 500, 200)) == 200


def test_exports_limits():
    assert (sj.MAX_LABEL_CHARS, sj.MAX_ID_CHARS, sj.MAX_TITLE_CHARS, sj.MAX_FIELD_CHARS) == (64, 200, 1000, 2000)
    assert sj.MAX_META_BYTES == 65_536 and sj.MAX_REVIEWER_CHARS == 64 and MAX_DEPTH == 64
    assert orjson.loads(b"[1]") == [1]  # the parser underneath
