"""What stop 34 fixed from a QA run of a desk in tmux (two reviewers and a lead on one store):
the screen under NO_COLOR, and what a narrow terminal cut off."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from test_app_review import build
from textual.color import Color

from tui.app.app import ReviewApp
from tui.app.nocolor import MIN_CONTRAST, legible


@pytest.fixture
def review(tmp_path):
    store, ex = build(tmp_path / "store")
    yield store, ex, tmp_path / "cfg"
    store.close()


@pytest.mark.parametrize("style", ["bold red", "red", "bold reverse red", "green", "magenta", "cyan", "blue"])
async def test_no_color_keeps_every_mark_legible(review, monkeypatch, style):
    """QA (NO_COLOR=1): the dispute mark, the status line's "⚠ 2 disputed", the SELECT badge and the ✗
    of a rejection were drawn grey 237 on grey 234: Textual's greys keep a colour's brightness, and
    red is dark. Through the app's own filters, each comes out at least MIN_CONTRAST from its
    background, and a light grey stays as it was."""
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    store, _ex, config = review
    app = ReviewApp(store, config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        background = app.screen.styles.background
        segments = [Segment("⚠", Style.parse(style)), Segment("text", Style(color="#e0e0e0"))]
        for each in app.get_line_filters():
            segments = each.apply(segments, background)
        mark, text = segments
        assert mark.style is not None and mark.style.color is not None
        fg = Color.from_rich_color(mark.style.color)
        bg = Color.from_rich_color(mark.style.bgcolor) if mark.style.bgcolor else background.monochrome
        assert abs(fg.brightness - bg.brightness) >= MIN_CONTRAST - 0.01, (style, fg, bg)
        assert fg.r == fg.g == fg.b  # still greys
        assert text.style is not None and text.style.color is not None
        assert Color.from_rich_color(text.style.color).brightness > 0.8


def test_legible_moves_a_dark_grey_away_from_a_light_background():
    light = Color.parse("#f0f0f0")
    st = legible(Style(color="#ffff00"), light)  # yellow is bright: on white it must darken
    assert st.color is not None
    assert light.brightness - Color.from_rich_color(st.color).brightness >= MIN_CONTRAST - 0.01
    assert legible(Style(bold=True), light) == Style(bold=True)  # no colour: the terminal's own
