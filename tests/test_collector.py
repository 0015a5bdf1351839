"""The garbage collector runs between keys: off while the app is up, run from a timer when the
analyst pauses, and given back when the app exits."""

from __future__ import annotations

import gc
import weakref

import pytest

from tui.app import collector as col
from tui.app.app import ReviewApp
from tui.app.collector import IdleCollector
from tui.store import ReviewStore

from support import make_extraction


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0
        self.last_input = 1000.0

    def __call__(self) -> float:
        return self.t


def garbage(n: int) -> None:
    """``n`` reference cycles: only the collector frees them."""
    for _ in range(n):
        a: list[object] = []
        a.append(a)


def test_collects_the_young_generations_only_when_the_analyst_pauses():
    clock = Clock()
    c = IdleCollector(lambda: clock.last_input, now=clock)
    enabled = gc.isenabled()
    c.start()
    try:
        assert not gc.isenabled()
        garbage(gc.get_threshold()[0] * 2)
        clock.t += 0.05
        clock.last_input = clock.t  # a key just now
        c.tick()
        assert c.young == 0 and gc.get_count()[0] >= gc.get_threshold()[0]
        clock.t += col.IDLE  # a pause
        c.tick()
        assert c.young == 1 and gc.get_count()[0] < gc.get_threshold()[0]
        clock.t += 0.01
        c.tick()  # nothing to collect
        assert c.young == 1
    finally:
        c.stop()
    assert gc.isenabled() == enabled


def test_a_full_collection_now_and_then_while_idle():
    clock = Clock()
    before: list[int] = []  # the app lets go of closed widgets' watchers then (tui/app/leaks.py)
    c = IdleCollector(lambda: clock.last_input, now=clock, before_full=lambda: before.append(c.full))
    c.start()
    try:
        garbage(100)
        clock.t += col.FULL_IDLE
        c.tick()
        assert c.full == 0 and not before  # not yet: at most one per FULL_EVERY
        clock.t += col.FULL_EVERY
        c.tick()
        assert c.full == 1 and before == [0]
        clock.t += col.FULL_EVERY / 2
        garbage(100)
        c.tick()  # too soon after the last one
        assert c.full == 1
    finally:
        c.stop()


def test_memory_is_bounded_while_keys_never_stop(monkeypatch):
    monkeypatch.setattr(col, "BUSY_CAP", 5000)
    clock = Clock()
    c = IdleCollector(lambda: clock.last_input, now=clock)
    c.start()
    try:
        for _ in range(5):
            garbage(6000)
            clock.t += col.TICK
            clock.last_input = clock.t  # keys all along
            c.tick()
        assert c.young == 5
    finally:
        c.stop()


class Dialog:
    me: object = None


def test_an_analyst_who_never_pauses_a_second_still_gets_full_collections():
    """What outlived a young collection (a dialog, open a while) is freed by a full one only: those
    came after a second without keys, and an analyst keeping up a key every 0.12 s piled up 1 GB."""
    clock = Clock()
    c = IdleCollector(lambda: clock.last_input, now=clock)
    c.start()
    try:
        survivors: list[object] = []
        for _ in range(col.YOUNG_PER_FULL):
            cycle: list[object] = []
            cycle.append(cycle)
            survivors.append(cycle)  # alive through the young collection: moved to the old generation
            garbage(gc.get_threshold()[0] * 2)
            clock.t += col.IDLE + 0.02  # a key, then just over a tenth of a second
            clock.last_input = clock.t - col.IDLE - 0.01
            c.tick()
        assert (c.young, c.full) == (col.YOUNG_PER_FULL, 0)
        dialog = Dialog()
        dialog.me = dialog
        c.tick()  # (nothing due: the dialog lives through no collection yet)
        gc.collect(1)  # it does: now in the old generation, like a dialog open a while
        ref = weakref.ref(dialog)
        del dialog
        survivors.clear()
        garbage(gc.get_threshold()[0] * 2)
        clock.t += col.IDLE + 0.02
        clock.last_input = clock.t - col.IDLE - 0.01
        c.tick()
        assert c.full == 1 and ref() is None
    finally:
        c.stop()


async def test_the_app_holds_the_collector_while_running_and_gives_it_back(tmp_path):
    store = ReviewStore.open(tmp_path / "s", write=True, reviewer="ana")
    store.add_article(make_extraction("Ada Lovelace met Charles Babbage.", [("Ada Lovelace", "PERSON")], []))
    assert gc.isenabled()
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.collector.running and not gc.isenabled()
        await pilot.press("a")
        assert store.progress(store.article_ids()[0])[0] == 1
    assert gc.isenabled()
    store.close()


def test_collection_turned_back_on_by_a_library_is_turned_off_again():
    """srsly turns automatic collection on while spaCy loads a model (in the app, in a worker
    thread); the next tick takes it back, with what was loaded frozen out of the scans."""
    clock = Clock()
    c = IdleCollector(lambda: clock.last_input, now=clock)
    c.start()
    try:
        gc.enable()  # what srsly's msgpack loading does
        frozen = gc.get_freeze_count()
        kept = [[] for _ in range(1000)]  # the loaded model, say
        clock.t += 0.01
        c.tick()
        assert not gc.isenabled() and gc.get_freeze_count() >= frozen + 1000
        del kept
    finally:
        c.stop()
    assert gc.isenabled()  # handed back


@pytest.mark.slow
def test_loading_the_pipeline_turns_automatic_collection_on():
    """Why the tick above checks: loading a spaCy model (srsly) enables the collector."""
    from tui.app.fields import loaded_extractor

    gc.disable()
    try:
        loaded_extractor(None, {})
        assert gc.isenabled()
    finally:
        gc.enable()
