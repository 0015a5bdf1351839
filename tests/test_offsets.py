"""Offsets are exact (text == article_text[start:end]) through import, edits and export, for any Unicode."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.loaders import iter_articles, normalise_newlines
from extractors.pipeline import Extraction
from extractors.records import Article, entity_candidate
from tui.export import ALL_STATUSES, store_articles
from tui.schema import Export
from tui.store import DecisionError, ReviewStore

from support import tokens_of

unicode_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=200
).filter(lambda t: t.strip())


@given(unicode_text)
def test_newline_normalisation_maps_every_offset(text):
    norm, mapping = normalise_newlines(text)
    assert "\r" not in norm
    if mapping is None:
        assert norm == text
        return
    for i, ch in enumerate(text):
        if ch not in "\r\n":
            assert norm[mapping[i]] == ch


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=unicode_text, data=st.data())
def test_prodigy_spans_survive_import_edit_and_export(tmp_path_factory, text, data):
    folder = tmp_path_factory.mktemp("p")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    (folder / "in.jsonl").write_text(
        json.dumps({"text": text, "spans": [{"start": start, "end": end, "label": "X"}]}) + "\n", encoding="utf-8"
    )
    (art,) = list(iter_articles([folder / "in.jsonl"]))
    assert isinstance(art, Article), art
    (sp,) = art.imported_spans
    # (whitespace at a span's edges is no part of the entity: left out on import)
    assert art.text[sp["start"] : sp["end"]] == text[start:end].replace("\r\n", "\n").replace("\r", "\n").strip()
    ent = entity_candidate(art.text, art.id, sp["start"], sp["end"], "X", origin="imported")
    with ReviewStore.open(folder / "store", write=True) as store:
        store.add_article(Extraction(art, [ent], [], tokens_of(art.text)))
        s2 = data.draw(st.integers(0, len(art.text) - 1))
        e2 = data.draw(st.integers(s2 + 1, len(art.text)))
        if art.text[s2:e2].strip() and (s2, e2) != (sp["start"], sp["end"]):
            if art.text[s2:e2] != art.text[s2:e2].strip():  # an entity begins and ends on its name
                with pytest.raises(DecisionError, match="with whitespace"):
                    store.decide(art.id, ent["id"], "edit", changes={"start": s2, "end": e2})
            else:
                state = store.decide(art.id, ent["id"], "edit", changes={"start": s2, "end": e2})
                assert state["text"] == art.text[s2:e2]
        doc = {
            "format": "newsreview/2",
            "exported_at": "x",
            "articles": list(store_articles(store, include=("pending", "edited"))),
        }
    Export.model_validate(doc)
    exported = doc["articles"][0]
    for item in exported["entities"]:
        assert item["text"] == exported["text"][item["start"] : item["end"]]


def test_edited_and_added_entities_carry_spacy_token_numbers(extractor, tmp_path, monkeypatch):
    """An article stores its tokens without spaCy's whitespace tokens; an edit or an added entity must
    still be numbered as spaCy numbers it (``doc[token_start:token_end]`` is the span), also after a
    paragraph break and a double space — and the export renumbers what 0.2.0 stored (list positions)."""
    from tui.store import validation

    text = "Title\n\nThe Russian Defense Ministry said so.  Then\n\n\nJohn Smith of London spoke."
    ex = extractor.extract_one(Article(text=text, title="Title"))
    doc = extractor.nlp.make_doc(text)

    def doc_range(surface: str) -> tuple[int, int]:
        s = text.index(surface)
        sp = doc.char_span(s, s + len(surface))
        assert sp is not None
        return sp.start, sp.end

    ent = entity_candidate(text, ex.article.id, text.index("The Russian"), text.index(" said"), "ORG")
    ex = Extraction(ex.article, [ent], [], ex.tokens)
    with ReviewStore.open(tmp_path / "store", write=True) as store:
        store.add_article(ex)
        state = store.decide(ex.article.id, ent["id"], "edit", changes={"start": text.index("Russian")})
        assert (state["token_start"], state["token_end"]) == doc_range("Russian Defense Ministry")
        s = text.index("Smith")
        added = store.add_candidate(ex.article.id, {"kind": "entity", "start": s, "end": s + 5, "label": "PERSON"})
        assert (added["token_start"], added["token_end"]) == doc_range("Smith")

        def positions(text, tokens, start, end):  # what 0.2.0 stored
            ts = next(i for i, (_s, e) in enumerate(tokens) if e > start)
            te = next(i for i in range(len(tokens) - 1, -1, -1) if tokens[i][0] < end)
            return ts, te + 1

        monkeypatch.setattr(validation, "token_range", positions)
        state = store.decide(ex.article.id, added["id"], "edit", changes={"start": text.index("John")})
        assert (state["token_start"], state["token_end"]) != doc_range("John Smith")
        exported = {e["text"]: e for e in next(iter(store_articles(store, include=ALL_STATUSES)))["entities"]}
    assert (exported["John Smith"]["token_start"], exported["John Smith"]["token_end"]) == doc_range("John Smith")
    ministry = exported["Russian Defense Ministry"]
    assert (ministry["token_start"], ministry["token_end"]) == doc_range("Russian Defense Ministry")
