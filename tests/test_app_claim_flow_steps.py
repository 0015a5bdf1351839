"""QA of the review screen's lists and selection (the three defects of one pass, and one more):

* deciding the only row of a filtered list moves to the other list (its pending row): that is said
  where it can be seen — a toast, and the status line until the next key, which a background refresh
  (the suggestions read again 0.6 s later) no longer wipes. Tab then switches back, as always.
* in selection mode (``v``), Tab switches the lists and keeps the selection, so that ``s``/``r``/``C``
  go to the claim it makes current — as the message that sends the analyst there says.
* in the new-claim flow (``c``) only the step's keys act: ``r`` at the speaker step no longer saves
  the claim without a speaker; keys of another step are refused with a word on the status line; the
  footer lists the step's keys only.
* an entity made on the way of a new claim is counted on the tabs line at once.

Pilot tests, asserting on the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_support import screen_text, status_line
from app_support import select_text as select
from textual.widgets._footer import FooterKey

from tui.app.app import ReviewApp
from tui.app.screens.review import ReviewScreen
from tui.app.screens.review.core import SYNC_AFTER
from tui.app.widgets.article import ArticleView
from tui.app.widgets.status import StatusBar
from tui.store import ReviewStore

from support import make_extraction

TEXT = (
    "Defense Secretary Ben Wallace told MPs on Tuesday that Russia had lost 100,000 troops.\n"
    "Moscow gave no comment, the Reuters news agency said. Wallace added that the Kremlin was hiding its losses."
)
CLAIM = "Russia had lost 100,000 troops"
REUTERS_CLAIM = "Moscow gave no comment, the Reuters news agency said"


@pytest.fixture
def store(tmp_path: Path):
    ex = make_extraction(
        TEXT,
        [("Ben Wallace", "PERSON"), ("MPs", "ORG"), ("Tuesday", "DATE"), ("Reuters", "ORG"), ("Moscow", "GPE")],
        [CLAIM, REUTERS_CLAIM],
    )
    store = ReviewStore.open(tmp_path / "store", write=True, reviewer="qa")
    store.add_article(ex)
    yield store
    store.close()


def aid_of(store: ReviewStore) -> str:
    return store.article_ids()[0]


def claim(store: ReviewStore, text: str) -> dict[str, Any]:
    return next(c for c in store.candidates(aid_of(store), "claim") if c["text"] == text)


def notes(app: ReviewApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def tabs_line(app: ReviewApp) -> str:
    return next(line for line in screen_text(app).splitlines() if "Entities (" in line)


def footer_actions(app: ReviewApp) -> set[str]:
    """The actions of the keys the footer shows."""
    return {str(key.action) for key in app.screen.query(FooterKey)}


def current_step(screen: ReviewScreen) -> str | None:
    return None if screen.claim_flow is None else screen.claim_flow["step"]


# -- 1. deciding the only row of a filtered list -------------------------------------------------------


async def test_the_switch_after_the_only_listed_row_is_said_and_outlives_the_suggestions_sync(store, tmp_path):
    """QA: on Entities, filter "reuters" (one entity and one claim listed), `a`, wait a second, Tab:
    "Tab stays on Entities; a second Tab switches". No key was lost: `a` decided the last pending
    entity listed and the lists moved on to the claims by themselves (as after the last entity of an
    unfiltered list). What said so went unseen: the status line's message was wiped 0.6 s later by
    the suggestions read again after the decision, and at 80 columns it never showed, being at the
    line's cut end; Tab then went back to the entities. Now a toast says it, and the status line
    keeps it until the next key."""
    aid = aid_of(store)
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("slash", *"reuters", "enter")
        reuters = next(c["id"] for c in store.candidates(aid, "entity") if c["text"] == "Reuters")
        assert screen.state.ids("entity") == [reuters] and len(screen.state.ids("claim")) == 1
        await pilot.press("a")
        assert next(c for c in store.candidates(aid, "entity") if c["id"] == reuters)["status"] == "accepted"
        assert screen.state.kind == "claim"  # the claim listed is pending: the keys are on it now
        assert any("entities listed decided: the claims now" in n for n in notes(app)), notes(app)
        await pilot.pause(SYNC_AFTER + 0.5)  # the suggestions are read again meanwhile
        bar = screen.query_one(StatusBar)
        assert bar.message == "all entities listed decided; now the claims"
        assert "all entities listed decided; now the" in status_line(app)
        await pilot.press("tab")  # the first Tab switches: back to the entities
        assert screen.state.kind == "entity"
        assert bar.message == "" and "now the" not in status_line(app)  # the next key ended the message
        await pilot.press("tab")
        assert screen.state.kind == "claim"


async def test_at_80_columns_the_switch_is_a_toast_and_the_first_tab_switches(store, tmp_path):
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("slash", *"reuters", "enter", "a")
        await pilot.pause(SYNC_AFTER + 0.5)
        assert screen.state.kind == "claim"
        assert any("the claims now (tab goes back)" in n for n in notes(app)), notes(app)
        await pilot.press("tab")
        assert screen.state.kind == "entity"


async def test_with_nothing_pending_in_the_other_list_the_filtered_list_stays_and_tab_switches(store, tmp_path):
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("slash", *"tuesday", "enter")  # one entity, no claim
        assert len(screen.state.ids("entity")) == 1 and not screen.state.ids("claim")
        await pilot.press("a")
        await pilot.pause(SYNC_AFTER + 0.5)
        # (QA, stop 45: it said "article done", the other entities still to decide)
        assert screen.state.kind == "entity" and "more outside the filter" in status_line(app)
        await pilot.press("tab")
        assert screen.state.kind == "claim"


# -- 2. Tab in selection mode --------------------------------------------------------------------------


async def test_tab_in_selection_mode_switches_the_lists_and_keeps_the_selection(store, tmp_path):
    """QA: `v`, a selection, `s` said "make a claim current first (tab lists the claims)", but Tab did
    nothing in selection mode. It switches the lists now; the selection stays, and s, r and C go to the
    claim made current."""
    aid = aid_of(store)
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.state.kind == "entity"
        await pilot.press("v")
        view = screen.query_one(ArticleView)
        await select(pilot, view, "Defense Secretary Ben Wallace")
        span = view.selection()
        await pilot.press("s")
        assert any("tab lists the claims" in n for n in notes(app))
        await pilot.press("tab")
        assert screen.state.kind == "claim" and "Claims" in tabs_line(app)
        assert view.cursor is not None and view.selection() == span and view.has_focus  # still selecting
        assert "SELECT" in status_line(app)
        target = screen.current()
        assert target is not None and target["kind"] == "claim"
        await pilot.press("s")
        assert claim(store, target["text"])["speaker"]["text"] == "Defense Secretary Ben Wallace"
        await select(pilot, view, "told")
        await pilot.press("r")
        got = claim(store, target["text"])
        assert got["cue"]["text"] == "told" and got["status"] == "edited"
        assert view.cursor is not None and screen.state.kind == "claim"
        await pilot.press("tab")  # and back: still selecting, nothing else changed
        assert screen.state.kind == "entity" and view.cursor is not None
        assert all(c["status"] == "pending" for c in store.candidates(aid, "entity"))


async def test_tab_in_selection_mode_after_a_boundary_preview_leaves_the_entity_alone(store, tmp_path):
    """A boundary edit under way ends unsaved as selection mode starts; Tab there moves no boundary
    and saves nothing but what s, r and C give."""
    aid = aid_of(store)
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        before = {c["id"]: (c["start"], c["end"], c["status"]) for c in store.candidates(aid, "entity")}
        await pilot.press("full_stop")  # the current entity's end, one token right: a preview
        assert screen.preview is not None
        await pilot.press("v", "tab")
        view = screen.query_one(ArticleView)
        assert screen.preview is None and view.preview is None and screen.state.kind == "claim"
        await select(pilot, view, "Wallace")
        target = screen.current()
        assert target is not None
        await pilot.press("s", "tab", "escape")
        assert {c["id"]: (c["start"], c["end"], c["status"]) for c in store.candidates(aid, "entity")} == before
        assert claim(store, target["text"])["speaker"]["text"] == "Wallace"


# -- 3. the new claim's steps --------------------------------------------------------------------------


async def test_only_the_new_claim_s_step_keys_act_and_the_footer_lists_only_them(store, tmp_path):
    """QA: `v`, a selection, `c` (the speaker step), another selection, `r`: the claim was saved with no
    speaker and the selection as its cue. The footer offered r and C at that step, and C did nothing
    to see. Now a key of another step is refused, saying so on the status line."""
    aid = aid_of(store)
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("v")
        view = screen.query_one(ArticleView)
        await pilot.pause()
        assert "step" not in footer_actions(app)  # enter means nothing outside a new claim
        await select(pilot, view, "the Kremlin was hiding its losses")
        await pilot.press("c")
        await pilot.pause()
        flow = dict(screen.claim_flow or {})
        assert current_step(screen) == "speaker" and "NEW CLAIM: SPEAKER" in status_line(app)
        shown = footer_actions(app)
        assert {"assign('speaker')", "create('entity')", "step", "leave"} <= shown, shown  # enter: none
        assert not {"assign('cue')", "assign('content')", "create('claim')"} & shown, shown
        assert not {"undo", "redo"} & shown, shown  # QA (stop 48): "u undo" shown, u refused

        await select(pilot, view, "Wallace")
        await pilot.press("r")  # the cue's key at the speaker's step
        assert len(store.candidates(aid, "claim")) == 2  # nothing saved
        assert current_step(screen) == "speaker" and "cue" not in (screen.claim_flow or {})
        assert "r: the cue comes next" in status_line(app)  # seen at 80 columns
        await pilot.press("C")  # the content is set
        assert screen.claim_flow is not None and screen.claim_flow["start"] == flow["start"]
        assert "C: the content is set" in status_line(app)
        await pilot.press("tab")  # the lists wait for the claim
        assert screen.state.kind == "entity" and current_step(screen) == "speaker"
        await pilot.press("s")
        await pilot.pause()
        assert current_step(screen) == "cue" and "r: the cue" not in status_line(app)
        shown = footer_actions(app)
        assert "assign('cue')" in shown and not {"assign('speaker')", "create('entity')"} & shown, shown

        await select(pilot, view, "added")
        await pilot.press("s")  # the speaker's key at the cue's step: the speaker stays
        assert (screen.claim_flow or {})["speaker"]["start"] == TEXT.index("Wallace")
        assert "s: the speaker's step is over" in status_line(app)
        await pilot.press("e")  # no label picker at the cue's step
        assert screen is app.screen and "e/t: entities" in status_line(app)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        new = claim(store, "the Kremlin was hiding its losses")
        assert new["speaker"]["text"] == "Wallace" and new["cue"]["text"] == "added" and new["status"] == "added"
        assert screen.claim_flow is None and len(store.candidates(aid, "claim")) == 3
        assert not {"create('claim')", "step"} & footer_actions(app)  # selection mode has ended


async def test_escape_at_a_step_cancels_and_the_footer_has_every_selection_key_again(store, tmp_path):
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("v")
        view = screen.query_one(ArticleView)
        await select(pilot, view, "Moscow gave no comment")
        await pilot.press("c", "escape", "v")
        await pilot.pause()
        assert screen.claim_flow is None and view.cursor is not None
        shown = footer_actions(app)
        wanted = {"assign('speaker')", "assign('cue')", "assign('content')", "create('claim')", "create('entity')"}
        assert wanted <= shown, shown


# -- 4. an entity made on the way is counted at once ---------------------------------------------------


async def test_an_entity_made_during_the_new_claim_is_counted_on_the_tabs_line(store, tmp_path):
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "Entities (5)" in tabs_line(app)
        await pilot.press("v")
        view = screen.query_one(ArticleView)
        await select(pilot, view, "the Kremlin was hiding its losses")
        await pilot.press("c")
        await select(pilot, view, "Defense Secretary")
        await pilot.press("e", *"person", "enter")
        await pilot.pause()
        assert screen.claim_flow is not None  # the claim goes on
        assert "Entities (6)" in tabs_line(app), tabs_line(app)
