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
        "regenerate: newsreview schema > tui/newsreview-export.schema.json"
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
