"""What stop 33's random-key runs of the app (tmux, seeded) ended in: crashes inside Textual 8.2.8
that the app must not let through, driven as the runs met them (Pilot keys and resizes)."""

from __future__ import annotations

import pytest
from app_support import page_keys_before_layout
from test_app_review import build

from tui.app.app import CommandPalette, ReviewApp


@pytest.fixture
def review(tmp_path):
    store, ex = build(tmp_path / "store")
    yield ReviewApp(store, config=tmp_path / "cfg"), store, ex
    store.close()


async def test_the_theme_list_from_the_palette_is_the_guarded_palette(review, monkeypatch):
    """QA (run C, NO_COLOR=1): ctrl+p, "theme", enter opened Textual's own palette listing the themes,
    without the app's guards; page up there before its list was laid out ended the app (KeyError: 0
    in OptionList._move_page). The palettes the palette's commands open are the app's too."""
    from textual.command import CommandList

    app, _store, _ex = review
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        themes = app.screen
        assert isinstance(themes, CommandPalette) and themes.id != "--command-palette"
        command_list = themes.query_one(CommandList)
        assert command_list.option_count  # the themes
        await page_keys_before_layout(app, pilot, command_list, monkeypatch)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, CommandPalette)
        app.search_commands([("say hello", lambda: app.notify("hello"))])  # the other one Textual offers
        await pilot.pause(0.2)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")


@pytest.mark.parametrize("sizes", [[(12, 4), (160, 48), (30, 4)], [(40, 10), (1, 1), (200, 60), (12, 4), (30, 4)]])
async def test_the_label_picker_survives_a_terminal_too_small_for_it(review, sizes):
    """QA (resize fuzz): with the label picker (L) open, a terminal shrunk to a few columns gave its
    option list no width at all and the app died (ValueError: range() arg 3 must not be zero, in
    Rich's line wrapping). It is drawn clipped instead, and whole again once the terminal grows."""
    from textual.widgets import OptionList

    app, _store, _ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("L")
        await pilot.pause(0.2)
        picker = app.screen
        assert picker.query(OptionList)
        for width, height in sizes:
            await pilot.resize_terminal(width, height)
            await pilot.pause(0.15)
            assert app.is_running and app._exception is None, (width, height)
        await pilot.resize_terminal(160, 48)
        await pilot.pause(0.2)
        assert app.screen is picker and app._exception is None
        await pilot.press("escape")


@pytest.mark.parametrize("keys", [("ctrl+p", "e", "x"), ("S",), ("e",), ("?",), ("l",), ("T",), ("plus",), ("v",)])
async def test_every_dialog_survives_a_terminal_shrunk_to_a_few_columns(review, keys):
    """The same resizes with the palette (results listed), the label set, the editor, the help, the
    queue, the assignment and add dialogs, and a text selection open."""
    app, _store, _ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press(*keys)
        await pilot.pause(0.3)
        for width, height in [(12, 4), (160, 48), (30, 4), (1, 1), (80, 24), (20, 3)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause(0.15)
            assert app.is_running and app._exception is None, (keys, width, height)
        await pilot.resize_terminal(160, 48)
        await pilot.pause(0.2)
        assert app._exception is None
