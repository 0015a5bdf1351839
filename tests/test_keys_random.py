"""Random analysts: thousands of seeded random key presses (and some clicks) through every binding in
every mode — normal, filter and find boxes, cursor mode (v), boundary preview, edit dialog, label
picker (typing in its search), label set dialog, confirm dialog, queue, help, command palette, path
prompt, adjudication screen (J), assignment dialog (T); entity groups opened and closed — on an empty
store, an article with no candidates, a one-candidate article (these two with NO_COLOR=1; the latter's
store has a lead who is not the walker, so J and T are refused) and several
articles (where another reviewer decided some, so that disputes arise).

After every key: the app is still running (or quit cleanly with q) with no exception, and the store
holds together — every span's text is the article's text at its offsets, the decided/total counts
agree with the candidates, and the screen's candidates are the store's. From time to time a decision
followed by undo must give back exactly the store it started from.

NEWSREVIEW_RANDOM_SEED=<n> varies the walk (default 20240611); NEWSREVIEW_RANDOM_STEPS=<n> sets the
keys for the several-article store (default 720; the other three stores get half that each: 1,800
keys in all, about a minute of CPU).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from app_support import press_fast, settle, several_store

from extractors.vocabulary import DECIDED
from tui.app.app import ReviewApp
from tui.app.bindings import SECTIONS
from tui.app.screens.review import ReviewScreen
from tui.app.widgets.article import ArticleView
from tui.store import ReviewStore

from support import make_extraction

SEED = int(os.environ.get("NEWSREVIEW_RANDOM_SEED", "20240611"))
STEPS = int(os.environ.get("NEWSREVIEW_RANDOM_STEPS", "720"))

BINDING_KEYS = sorted({k.strip() for _title, bindings in SECTIONS for b in bindings for k in b.key.split(",")})
EXTRA_KEYS = ["ctrl+p", "enter", "escape", "tab", "shift+tab", "backspace", "ctrl+u", "pageup", "pagedown"]
TYPING = [*"abcdeglnorstuwxyz0123456789:,. ", "G", "P", "E", "O", "R"]
#: keys that open a mode, pressed more often so that every mode is visited on every seed
OPENERS = ["v", "e", "A", "slash", "ctrl+f", "l", "question_mark", "ctrl+p", "left_square_bracket", "full_stop"]
OPENERS += ["plus", "asterisk", "m", "u", "U", "a", "x", "J", "T", "S", "L", "C", "R", "right", "left"]
INPUT_MODES = {"filter", "find", "CommandPalette", "PathPrompt", "QueueScreen", "EditDialog", "AssignDialog"}
INPUT_MODES |= {"LabelPicker", "SpeakerPicker"}


def mode(app: ReviewApp) -> str:
    screen = app.screen
    if isinstance(screen, ReviewScreen):
        if screen.box:
            return screen.box
        if screen.preview is not None:
            return "preview"
        if screen.query_one(ArticleView).cursor is not None:
            return "select"
        return "normal"
    return type(screen).__name__


def snapshot(store: ReviewStore) -> dict[str, Any]:
    return {aid: sorted(map(repr, store.candidates(aid))) for aid in store.article_ids()}


def check_store(store: ReviewStore) -> None:
    decided_all = total_all = 0
    for aid in store.article_ids():
        text = store.article(aid)["text"]
        cands = [c for c in store.candidates(aid) if store.in_scope(c)]  # the label set (S) may hide some
        for c in cands:
            assert c["text"] == text[c["start"] : c["end"]], c
            for key in ("speaker", "cue"):
                ref = c.get(key)
                if ref and "text" in ref:
                    assert ref["text"] == text[ref["start"] : ref["end"]], (key, c)
        decided = sum(1 for c in cands if c.get("status") in DECIDED)
        # (failed once in CI, never again: if it does, say enough to find out why)
        assert store.progress(aid) == (decided, len(cands)), progress_report(store, aid, decided, len(cands))
        decided_all += decided
        total_all += len(cands)
    assert store.totals() == (decided_all, total_all)


def progress_report(store: ReviewStore, aid: str, decided: int, total: int) -> str:
    """What the store's counts were made of, when they disagree with its candidates."""
    rows = [
        (c["id"], c["kind"], c.get("label"), c.get("original"), c.get("status"), c.get("origin"), store.in_scope(c))
        for c in store.candidates(aid)
    ]
    return (
        f"article {aid}: progress {store.progress(aid)} but the in-scope candidates say {(decided, total)}; "
        f"labels {store.labels}; model counts {store.model_counts(aid)}; "
        f"summary {store._summary_of(aid)}; alive {store._alive.get(aid)}; candidates {rows}"
    )


def check_screen(app: ReviewApp, store: ReviewStore) -> None:
    screen = next((s for s in app.screen_stack if isinstance(s, ReviewScreen)), None)
    if screen is None or screen.aid is None:
        return
    on_disk = {
        c["id"]: (c["status"], c["start"], c["end"], c.get("label"))
        for c in store.candidates(screen.aid)
        if store.in_scope(c)
    }
    shown = {c["id"]: (c["status"], c["start"], c["end"], c.get("label")) for c in screen.state.cands.values()}
    assert shown == on_disk
    cur = screen.current()
    assert cur is None or cur["id"] in on_disk


#: how to enter each mode from the normal mode on the several-article store's first article
ENTRY = {
    "filter": ["slash"],
    "find": ["ctrl+f"],
    "select": ["v"],
    "preview": ["full_stop"],
    "EditDialog": ["e"],
    "LabelPicker": ["v", "L", "e"],
    "Confirm": ["A"],
    "LabelSet": ["S"],
    "QueueScreen": ["l"],
    "HelpScreen": ["question_mark"],
    "CommandPalette": ["ctrl+p"],
    "PathPrompt": ["plus"],
    "AdjudicateScreen": ["J"],
    "AssignDialog": ["T"],
}
WANTED = {"normal", *ENTRY}


async def random_step(
    pilot: Any, store: ReviewStore, rng: random.Random, size: tuple[int, int], seen: Counter[str]
) -> None:
    """One random key (or click, or decide-and-undo probe), then every check."""
    app = pilot.app
    current = mode(app)
    seen[current] += 1
    if current == "normal" and rng.random() < 0.05:  # decide, then undo: nothing changed
        before = snapshot(store)
        await press_fast(pilot, rng.choice(["a", "x", "3", "full_stop"]))
        if mode(app) == "preview":
            await press_fast(pilot, "enter")
        if snapshot(store) != before:
            await press_fast(pilot, "u")
            assert snapshot(store) == before
        return
    roll = rng.random()
    leave = {"normal": 0.0, "select": 0.05}.get(current, 0.12)
    if roll < leave:
        key = "escape"  # modes end about as often as an analyst leaves them
    elif current == "select" and roll < 0.4:
        key = rng.choice(["e", "t", "c", "L", "H", "s", "r", "C", "enter"])  # candidates, claim fields
    elif current in INPUT_MODES and roll < 0.55:
        key = rng.choice(TYPING)
    elif roll < 0.25:
        key = rng.choice(OPENERS)
    elif roll < 0.27:
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        await pilot.click(offset=(x, y))
        await settle(pilot)
        key = f"click at {x},{y}"
    else:
        key = rng.choice(BINDING_KEYS + EXTRA_KEYS)
    if not key.startswith("click"):
        await press_fast(pilot, key)
    if app._exception is not None:
        raise AssertionError(f"{key!r} in mode {current}") from app._exception
    check_store(store)
    check_screen(app, store)


async def enter_mode(pilot: Any, store: ReviewStore, wanted: str) -> None:
    """From wherever the walk left off: back to the normal mode on the first article, no filter,
    then the keys that open ``wanted``."""
    app = pilot.app
    for _ in range(8):
        if mode(app) == "normal":
            break
        await press_fast(pilot, "escape")
    await press_fast(pilot, "escape")  # clears a filter or a find
    for _ in range(len(store.article_ids())):
        await press_fast(pilot, "p")
    await press_fast(pilot, "g")
    for key in ENTRY[wanted]:
        await press_fast(pilot, key)


async def walk(
    store: ReviewStore, cfg: Path, steps: int, rng: random.Random, seen: Counter[str], *, tour: bool = False
) -> None:
    """``steps`` random keys; with ``tour``, then a few random keys inside every mode the walk did
    not happen to reach (so every seed drives every mode)."""
    size = rng.choice([(120, 32), (100, 30), (80, 24)])
    done = 0
    sessions = 0
    while True:
        sessions += 1
        app = ReviewApp(store, config=cfg)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            while done < steps and not app._exit:
                done += 1
                await random_step(pilot, store, rng, size, seen)
            if tour and done >= steps:
                for wanted in sorted(WANTED - set(seen)):
                    if app._exit:
                        break
                    await enter_mode(pilot, store, wanted)
                    for _ in range(15):
                        if app._exit:
                            break
                        await random_step(pilot, store, rng, size, seen)
            await app.workers.wait_for_complete()
        assert app.return_code in (None, 0), app.return_code
        assert app._exception is None
        if done >= steps and (not tour or set(seen) >= WANTED or sessions > 5):
            return


def stores(tmp: Path) -> dict[str, ReviewStore]:
    empty = ReviewStore.open(tmp / "empty", write=True, reviewer="rand")
    bare = ReviewStore.open(tmp / "bare", write=True, reviewer="rand")
    bare.add_article(make_extraction("An article in which the model found nothing.\n\nAt all.", [], []))
    one = ReviewStore.open(tmp / "one", write=True, reviewer="rand")
    one.add_article(make_extraction("Moscow is cold.", [("Moscow", "GPE")], []))
    one.set_leads(["lena"])  # the walker is no lead here: J and T are refused (told, nothing written)
    several = several_store(tmp / "several")
    # another reviewer decided on the first article: the walker's own decisions make disputes, which
    # the adjudication screen (J) walks and settles
    with ReviewStore.open(tmp / "several", write=True, reviewer="other") as other:
        aid = other.article_ids()[0]
        ents = other.candidates(aid, "entity")
        other.decide(aid, ents[0]["id"], "accept")
        other.decide(aid, ents[1]["id"], "reject")
        other.decide(aid, ents[2]["id"], "edit", changes={"label": "LOC"})
    # seen before the walk begins: else they arrived at the app's first refresh, between a decide-and-undo
    # probe's two snapshots (with the desk memory's "relabelled to LOC" suggestion), a false failure
    several.refresh()
    return {"empty": empty, "no candidates": bare, "one candidate": one, "several": several}


@pytest.mark.parametrize("which", ["empty", "no candidates", "one candidate", "several"])
async def test_random_keys_never_break_the_app_or_the_store(tmp_path, monkeypatch, which):
    monkeypatch.chdir(tmp_path)  # what the palette's "save screenshot" or a typed path could touch
    if which in ("no candidates", "one candidate"):
        monkeypatch.setenv("NO_COLOR", "1")  # every frame through Textual's monochrome filter
    rng = random.Random(f"{SEED}-{which}")
    all_stores = stores(tmp_path)
    store = all_stores[which]
    seen: Counter[str] = Counter()
    try:
        steps = STEPS if which == "several" else STEPS // 2
        await walk(store, tmp_path / "cfg", steps, rng, seen, tour=which == "several")
        check_store(store)
    finally:
        for s in all_stores.values():
            s.close()
    if which == "several":  # every mode was driven (randomly, or by the tour after the walk)
        assert set(seen) >= WANTED, f"seed {SEED}: never reached {WANTED - set(seen)}"
