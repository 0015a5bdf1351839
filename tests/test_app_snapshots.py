"""A few SVG snapshots of the screens (fixed size, fixed reviewer, no clock on screen).

Regenerate after an intended change: pytest tests/test_app_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tui.app.app import ReviewApp
from tui.store import ReviewStore

from support import make_extraction

TEXT = (
    "Drones for missiles\nUK Defense Secretary Ben Wallace said Russia lost 100,000 troops, and "
    "“Not one single commander is in charge now,” Wallace told lawmakers in London on Tuesday."
)


@pytest.fixture
def snap_app(tmp_path, monkeypatch):
    # a terminal of full colour whatever runs the tests: the app styles 8/16-colour terminals apart
    # (Quickstart's TERM=xterm-256color and a shell's TERM=xterm drew different snapshots)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    ex = make_extraction(
        TEXT,
        [("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("100,000", "CARDINAL"), ("London", "GPE"), ("Tuesday", "DATE")],
        ["Russia lost 100,000 troops", "“Not one single commander is in charge now,”"],
    )
    store = ReviewStore.open(tmp_path / "store", write=True, reviewer="snapshot")
    store.add_article(ex)
    store.decide(ex.article.id, ex.entities[0]["id"], "accept")
    store.decide(ex.article.id, ex.entities[1]["id"], "reject")
    yield ReviewApp(store, config=tmp_path / "cfg")
    store.close()


def test_main_screen(snap_app, snap_compare):
    assert snap_compare(snap_app, terminal_size=(120, 30))


def test_narrow_main_screen(snap_app, snap_compare):
    assert snap_compare(snap_app, terminal_size=(80, 24))


def test_edit_dialog(snap_app, snap_compare):
    assert snap_compare(snap_app, press=["e"], terminal_size=(120, 30))


def test_help(snap_app, snap_compare):
    assert snap_compare(snap_app, press=["question_mark"], terminal_size=(120, 40))


def test_queue(snap_app, snap_compare):
    assert snap_compare(snap_app, press=["l"], terminal_size=(120, 30))
