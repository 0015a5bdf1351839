"""Export: the shipped JSON Schema is current, and exports validate against it."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tui.export import parse_include, render, store_articles
from tui.schema import SCHEMA_FILE, Export, render_schema
from tui.store import ReviewStore

pytestmark = pytest.mark.engines


def test_shipped_schema_is_current():
    assert SCHEMA_FILE.read_text() == render_schema(), (
        "regenerate: python -c 'from tui.schema import SCHEMA_FILE, render_schema; "
        "SCHEMA_FILE.write_text(render_schema())'"
    )


def test_export_validates_and_is_strict(filled_store):
    path, ex = filled_store
    with ReviewStore.open(path, write=True) as st:
        aid = ex.article.id
        st.decide(aid, ex.entities[0]["id"], "accept")
        st.decide(aid, ex.claims[0]["id"], "edit", changes={"quote_type": "direct", "cue": {"start": 12, "end": 16}})
        doc = json.loads(render(store_articles(st, include=parse_include("all"))))
    export = Export.model_validate(doc)
    claim = export.articles[0].claims[0]
    assert claim.cue.text == "said" and claim.original == {"quote_type": "none", "cue": None}
    assert export.articles[0].review.decided == 2 and export.articles[0].review.status == "in_progress"
    doc["articles"][0]["entities"][0]["surprise"] = 1
    with pytest.raises(ValidationError):
        Export.model_validate(doc)


def test_jsonl_is_one_article_per_line(filled_store):
    path, _ = filled_store
    with ReviewStore.open(path) as st:
        lines = render(store_articles(st), "jsonl").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["review"]["status"] == "pending"


def test_a_speaker_links_only_to_an_exported_entity(filled_store):
    """A claim whose speaker is linked to an entity the analyst rejected (or one --include leaves
    out) exports the speaker's span and name without the dangling entity id."""
    path, ex = filled_store
    aid, wallace = ex.article.id, ex.entities[0]["id"]
    with ReviewStore.open(path, write=True) as st:
        st.decide(aid, ex.claims[0]["id"], "edit", changes={"speaker": {"start": 0, "end": 11, "entity_id": wallace}})
        st.decide(aid, wallace, "accept")
        linked = json.loads(render(store_articles(st)))["articles"][0]["claims"][0]["speaker"]
        assert linked["entity_id"] == wallace and linked["text"] == "Ben Wallace"
        st.decide(aid, wallace, "reject")
        for include in (parse_include(None), parse_include("all")):
            doc = json.loads(render(store_articles(st, include=include)))
            Export.model_validate(doc)
            speaker = doc["articles"][0]["claims"][0]["speaker"]
            exported = {e["id"] for e in doc["articles"][0]["entities"]}
            assert speaker["text"] == "Ben Wallace"
            assert speaker["entity_id"] == (wallace if wallace in exported else None)
        assert st.candidates(aid, "claim")[0]["speaker"]["entity_id"] == wallace  # the store keeps the link
