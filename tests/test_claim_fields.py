"""A claim the analyst adds, or whose content moves, gets its numbers, hedges and check-worthiness
(issue #14): computed by the extraction's code with the app's loaded pipeline, recorded with the
decision, validated strictly by the store (and by ``newsreview apply``)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from app_support import select_text as select
from app_support import status_line

from extractors.records import claim_candidate
from tui.app.app import ReviewApp
from tui.app.fields import ClaimFielder
from tui.app.screens.review import ReviewScreen
from tui.app.widgets.article import ArticleView
from tui.decisions import apply_stream
from tui.store import DecisionError, ReviewStore

from support import make_extraction

TEXT = (
    "Defense Secretary Ben Wallace told MPs on Tuesday that Russia had lost 100,000 troops.\n"
    "Moscow denied it. Wallace added that the Kremlin was hiding its losses, the BBC reported."
)
NEW = "Russia had lost 100,000 troops"


def build(path: Path) -> tuple[ReviewStore, str]:
    ex = make_extraction(TEXT, [("Ben Wallace", "PERSON"), ("Russia", "GPE")], [])
    for content, cw in (("Moscow denied it.", 0.9), ("the Kremlin was hiding its losses", 0.1)):
        s = TEXT.index(content)
        ex.claims.append(
            claim_candidate(TEXT, ex.article.id, s, s + len(content), checkworthiness=cw, model="test")  # type: ignore[arg-type]
        )
    store = ReviewStore.open(path, write=True, reviewer="ana")
    store.add_article(ex)
    return store, ex.article.id


@pytest.fixture
def claims(tmp_path: Path):
    store, aid = build(tmp_path / "store")
    yield store, aid
    store.close()


def the_claim(store: ReviewStore, aid: str, text: str) -> dict[str, Any]:
    return next(c for c in store.candidates(aid, "claim") if c["text"] == text)


async def fielded(app: ReviewApp, pilot: Any) -> None:
    """Wait for the pipeline's load worker (if any) and the decision that waited for it."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def add_new_claim(app: ReviewApp, pilot: Any) -> tuple[ReviewScreen, ArticleView]:
    """On the claims: select NEW, make it a claim (no speaker, no cue), wait until it is saved."""
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    await pilot.press("tab", "v")
    view = screen.query_one(ArticleView)
    await select(pilot, view, NEW)
    await pilot.press("c", "enter", "enter")  # content; no speaker, no cue: saved
    await fielded(app, pilot)
    return screen, view


async def test_a_claim_added_by_selection_gets_numbers_and_its_place_by_score(claims, tmp_path):
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen, view = await add_new_claim(app, pilot)
        new = the_claim(store, aid, NEW)
        assert new["status"] == "added" and new["origin"] == "analyst"
        assert [n["text"] for n in new["numbers"]] == ["100,000"]
        assert all(TEXT[n["start"] : n["end"]] == n["text"] for n in new["numbers"])
        assert new["checkworthiness"] > 0.5
        # the list is ordered by check-worthiness: the new claim sits where its score puts it
        by_score = sorted(store.candidates(aid, "claim"), key=lambda c: -c["checkworthiness"])
        listed = screen.state.listed("claim")
        assert listed == [c["id"] for c in by_score]
        assert listed.index(new["id"]) < listed.index(the_claim(store, aid, "the Kremlin was hiding its losses")["id"])
        # moving its content by selection computes them again, with the same decision
        await pilot.press("escape")
        screen.state.select(new["id"])
        await pilot.press("v")
        await select(pilot, view, "the Kremlin was hiding its losses")
        await pilot.press("C")  # another claim's very words: refused (QA: the export listed them twice)
        await fielded(app, pilot)
        assert store.candidate(aid, new["id"])["text"] == NEW
        await pilot.press("escape")
        screen.state.select(new["id"])
        await pilot.press("v")
        await select(pilot, view, "Wallace added that the Kremlin was hiding its losses")
        await pilot.press("C")
        await fielded(app, pilot)
        moved = store.candidate(aid, new["id"])
        assert moved["text"] == "Wallace added that the Kremlin was hiding its losses" and moved["numbers"] == []
        assert [h["action"] for h in store.history(aid, new["id"])] == ["add", "edit"]


async def test_without_a_pipeline_the_decision_is_saved_and_the_status_line_says_so(claims, tmp_path):
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg", model="/nonexistent/spacy-model")
    async with app.run_test(size=(160, 48)) as pilot:
        screen, _ = await add_new_claim(app, pilot)
        assert screen.query_one(ClaimFielder).error is not None
        new = the_claim(store, aid, NEW)
        assert new["status"] == "added" and new["numbers"] == [] and new["checkworthiness"] == 0
        assert "could not be computed" in status_line(app)


# -- the store ------------------------------------------------------------------------------------------


def number(text: str, at: str) -> dict[str, Any]:
    s = text.index(at)
    return {"text": at, "start": s, "end": s + len(at)}


def test_the_store_keeps_numbers_hedges_and_checkworthiness_as_a_version(claims):
    store, aid = claims
    s = TEXT.index(NEW)
    fields = {"numbers": [number(TEXT, "100,000")], "hedges": [], "checkworthiness": 0.83}
    added = store.add_candidate(aid, {"kind": "claim", "start": s, "end": s + len(NEW), **fields})
    assert added["numbers"] == fields["numbers"] and added["checkworthiness"] == 0.83
    old = the_claim(store, aid, "Moscow denied it.")
    ms = TEXT.index("Moscow")
    state = store.decide(
        aid,
        old["id"],
        "edit",
        changes={"start": ms, "end": ms + 6, "numbers": [], "hedges": [], "checkworthiness": 0.25},
    )
    assert state["checkworthiness"] == 0.25 and state["status"] == "edited"
    assert state["original"]["checkworthiness"] == 0.9  # the model's score, kept beside the analyst's
    store.close()
    again = ReviewStore.open(store.location, write=False, reviewer="ana")
    assert again.candidate(aid, old["id"])["checkworthiness"] == 0.25
    assert the_claim(again, aid, NEW)["numbers"] == fields["numbers"]
    again.close()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"numbers": "100,000"}, "field 'numbers' must be a list"),
        ({"numbers": [{"text": "100,000", "start": 0, "end": 7}]}, "field 'numbers[0].text' is not the article's text"),
        ({"hedges": [{"text": "x", "start": 10**6, "end": 10**6 + 1}]}, "field 'hedges[0].start': span"),
        ({"hedges": [{"text": "x", "start": "1", "end": 2}]}, "field 'hedges[0].start' must be an integer"),
        ({"numbers": [["100,000", 71, 78]]}, "field 'numbers[0]' must be an object"),
        ({"numbers": [{"text": "100,000", "start": 71, "end": 78, "x": 1}]}, "field 'numbers[0]': unknown key 'x'"),
        ({"checkworthiness": 1.5}, "field 'checkworthiness' must be a number from 0 to 1"),
        ({"checkworthiness": float("nan")}, "field 'checkworthiness' must be a number from 0 to 1"),
        ({"checkworthiness": True}, "field 'checkworthiness' must be a number from 0 to 1"),
    ],
)
def test_bad_claim_fields_are_refused_naming_the_field(claims, fields, message):
    store, aid = claims
    s = TEXT.index(NEW)
    with pytest.raises(DecisionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        store.add_candidate(aid, {"kind": "claim", "start": s, "end": s + len(NEW), **fields})
    old = the_claim(store, aid, "Moscow denied it.")
    with pytest.raises(DecisionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        store.decide(aid, old["id"], "edit", changes=fields)
    assert len(store.candidates(aid, "claim")) == 2 and store.history(aid, old["id"]) == []


def test_apply_lines_may_carry_the_claim_fields(claims):
    store, aid = claims
    s = TEXT.index(NEW)
    old = the_claim(store, aid, "Moscow denied it.")
    lines = [
        {"article": aid, "action": "add", "kind": "claim", "start": s, "end": s + len(NEW)}
        | {"numbers": [number(TEXT, "100,000")], "checkworthiness": 0.7},
        {"article": aid, "candidate": old["id"], "action": "edit", "checkworthiness": 0.4, "hedges": []},
        {"article": aid, "candidate": old["id"], "action": "edit", "numbers": [{"text": "1", "start": 0, "end": 1}]},
    ]
    out = io.StringIO()
    failed = apply_stream(store, io.BytesIO(b"".join(json.dumps(x).encode() + b"\n" for x in lines)), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert failed == 1 and [r["ok"] for r in results] == [True, True, False]
    assert "field 'numbers[0].text'" in results[2]["error"]
    assert the_claim(store, aid, NEW)["numbers"] == [number(TEXT, "100,000")]
    assert store.candidate(aid, old["id"])["checkworthiness"] == 0.4
