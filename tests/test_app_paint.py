"""What a key repaints: the lines that changed, where they are on screen, without a layout of the
whole screen. A line repainted at the wrong place leaves the terminal showing a stale row (the
screenshot tests cannot see it: they render the whole screen afresh)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot

from tui.app.app import ReviewApp
from tui.app.screens.review import ReviewScreen
from tui.app.widgets.article import ArticleView
from tui.app.widgets.candidates import CandidateList
from tui.store import ReviewStore

from support import make_extraction

WORDS = [f"Name{i}" for i in range(120)]


def long_store(path):
    """One article with 120 one-word entities on 120 lines, and 30 long claims of varied lengths."""
    lines = [
        f"{w} spoke at length about the plans of the government for the coming year"
        + " and the year after that" * (i % 9)
        + "."
        for i, w in enumerate(WORDS)
    ]
    text = "\n".join(lines)
    ex = make_extraction(text, [(w, "PERSON") for w in WORDS], [lines[i] for i in range(0, 120, 4)])
    store = ReviewStore.open(path, write=True, reviewer="ana")
    store.add_article(ex)
    return store


@asynccontextmanager
async def long_app(tmp_path, size: tuple[int, int]) -> AsyncIterator[tuple[ReviewApp, Pilot]]:
    """The review screen on :func:`long_store`, running headless at ``size`` and settled."""
    store = long_store(tmp_path / "s")
    try:
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield app, pilot
    finally:
        store.close()


def painted_lines(widget) -> set[int]:
    """The widget's lines (in its own visible coordinates) queued for a repaint."""
    rows: set[int] = set()
    for region in widget._repaint_regions:
        rows.update(range(region.y, region.y + region.height))
    return rows


@pytest.mark.parametrize("which", ["list", "article"])
async def test_a_line_repaints_where_it_is_shown_when_scrolled(tmp_path, which):
    """A row of the list, a span of the article: scrolled down, a change repaints its own line."""
    async with long_app(tmp_path, (160, 48)) as (app, pilot):
        widget = (
            app.screen.query_one("#entities", CandidateList) if which == "list" else app.screen.query_one(ArticleView)
        )
        widget.scroll_to(y=30, animate=False)
        await pilot.pause()
        top = int(widget.scroll_y)
        assert top > 0
        widget._repaint_regions.clear()
        if isinstance(widget, CandidateList):
            widget._refresh_row(top + 3)
        else:
            start = widget.lines[top + 3][0]
            widget._invalidate_range(start, start + 4)
        assert painted_lines(widget) == {3}


async def test_deciding_down_the_claims_keeps_the_screen_layout(tmp_path):
    """Long claims wrap as the current row; moving down them must not resize the list (a resize
    lays out the whole screen and costs a second frame for the scrollbar on every key)."""
    async with long_app(tmp_path, (120, 40)) as (app, pilot):
        await pilot.press("tab")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.state.kind == "claim"
        claims = screen.query_one("#claims", CandidateList)
        assert claims._extra > 0  # the current claim wraps
        sizes = set()
        for _ in range(12):
            await pilot.press("a")
            sizes.add(claims.virtual_size)
        assert len(sizes) == 1
        decided = [c for c in app.store.candidates(screen.aid, "claim") if c["status"] == "accepted"]
        assert len(decided) == 12


async def test_the_article_scrolls_by_wheel_and_marks_where_it_is(tmp_path):
    """No scrollbar widget on the article (a scroll would repaint one of 40-odd lines besides the
    article's own): its last column marks the part in view, and the mouse wheel still scrolls it."""
    from textual import events

    async with long_app(tmp_path, (160, 48)) as (app, pilot):
        view = app.screen.query_one(ArticleView)
        assert view.allow_vertical_scroll and view.max_scroll_y > 0

        def mark_rows() -> list[int]:
            return [y for y in range(view.size.height) if view.render_line(y).text.endswith("┃")]

        at_top = mark_rows()
        assert at_top and at_top[0] == 0
        assert len(at_top) == max(1, round(view.size.height**2 / len(view.lines)))
        view.post_message(events.MouseScrollDown(view, 2, 2, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_y > 0
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        at_end = mark_rows()
        assert at_end[-1] == view.size.height - 1 and len(at_end) == len(at_top)
        text_width = max(e - s for s, e in view.lines)
        assert text_width <= view.size.width - 1  # the text never runs into the mark's column


async def test_the_lists_mark_where_they_are_in_their_last_column(tmp_path):
    async with long_app(tmp_path, (160, 48)) as (app, pilot):
        lst = app.screen.query_one("#entities", CandidateList)
        assert lst.allow_vertical_scroll and lst.max_scroll_y > 0
        lines = [lst.render_line(y) for y in range(lst.size.height)]
        assert all(line.cell_length == lst.size.width for line in lines)
        marked = [y for y, line in enumerate(lines) if line.text.endswith("┃")]
        assert marked and marked[0] == 0
        for _ in range(60):
            await pilot.press("j")
        assert lst.scroll_y > 0
        marked_after = [y for y in range(lst.size.height) if lst.render_line(y).text.endswith("┃")]
        assert marked_after and marked_after[0] > 0
        assert not any(lst.render_line(y).text[:-1].rstrip().endswith("┃") for y in range(lst.size.height))


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_plain_paint_path_paints_what_textual_would(tmp_path, monkeypatch, no_color):
    """The line views skip Textual's per-line styling (``widgets/plain.py``): every line they paint —
    scrolled, in cursor mode, with NO_COLOR's filter — is the line Textual's own ``StylesCache`` paints,
    and a view with a border goes Textual's way."""
    from textual._styles_cache import StylesCache
    from textual.geometry import Region

    from tui.app.widgets.plain import PlainStylesCache

    general_lines = []
    real_render_line = StylesCache.render_line

    def counting_render_line(self, *args, **kwargs):
        general_lines.append(type(self).__name__)
        return real_render_line(self, *args, **kwargs)

    monkeypatch.setattr(StylesCache, "render_line", counting_render_line)

    def both_ways(widget, *, plain: bool = True) -> tuple[list, list]:
        crop = Region(0, 0, widget.region.width, widget.region.height)  # padding included, as the compositor asks
        widget.refresh()
        general_lines.clear()
        ours = widget.render_lines(crop)
        assert isinstance(widget._styles_cache, PlainStylesCache)
        # the short path ran: Textual's per-line styling was not asked for a single line
        assert ("PlainStylesCache" not in general_lines) == plain, widget.id
        theirs = StylesCache().render_widget(widget, crop)
        return [list(s) for s in ours], [list(s) for s in theirs]

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with long_app(tmp_path, (120, 40)) as (app, pilot):
        names = {type(f).__name__ for f in app.get_line_filters()}
        assert ("LegibleMonochrome" in names) == no_color  # tui/app/nocolor.py
        views = [app.screen.query_one(ArticleView), *app.screen.query(CandidateList)]
        await pilot.press("a", "a", "x", "j")
        await pilot.pause()
        for widget in views:
            if widget.size.height:
                ours, theirs = both_ways(widget)
                assert ours == theirs, widget.id
        article = views[0]
        article.scroll_to(y=25, animate=False)
        await pilot.press("v", "l", "l")  # cursor mode: a cursor and a selection painted
        await pilot.pause()
        ours, theirs = both_ways(article)
        assert ours == theirs
        await pilot.press("escape")
        article.styles.padding = (0, 2, 0, 0)  # the same width, padded the other way
        await pilot.pause()
        ours, theirs = both_ways(article)
        assert ours == theirs
        assert ours[0][0].text != " "  # no left padding any more
        article.styles.border = ("round", "red")  # not plain: Textual's way, the border painted
        await pilot.pause()
        crop = Region(0, 0, article.region.width, article.region.height)
        assert "╭" in "".join(seg.text for seg in article.render_lines(crop)[0])
        ours, theirs = both_ways(article, plain=False)
        assert ours == theirs


async def test_a_theme_change_repaints_the_lists_current_row(tmp_path):
    """The current row of a list, wrapped and kept, takes the new theme's colours like every other row:
    after a theme change, every row painted is the row painted afresh."""
    async with long_app(tmp_path, (120, 40)) as (app, pilot):
        entities = app.screen.query_one("#entities", CandidateList)
        rows = range(entities.size.height)
        before = [list(entities.render_line(y)) for y in rows]
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        kept = [list(entities.render_line(y)) for y in rows]
        entities._forget_styles()
        entities._cache.clear()
        entities._cursor_lines = None
        fresh = [list(entities.render_line(y)) for y in rows]
        assert kept == fresh
        assert kept != before


async def test_article_lines_wrap_as_drawn_with_controls_shown_as_symbols(tmp_path):
    """QA: the article wrapped its raw text, where ESC, BEL and bidi controls take no cell, but drew
    the cleaned text, where each is a visible symbol of one cell: lines overflowed and their ends
    were cut off at some widths (" tex" shown, "t." never)."""
    from rich.cells import cell_len

    text = (
        "Bell \x07 and \x1b]52;c;SGVsbG8=\x07 osc and \u202eevil\u202c text. "
        "Then \x1b[2J\x1b[31mred and more words to wrap over several lines of the narrow pane.\n"
        "Second \x1b]0;title\x07 paragraph ends here."
    )
    store = ReviewStore.open(tmp_path / "s", write=True, reviewer="ana")
    store.add_article(make_extraction(text, [("Second", "ORG")], []))
    for width in (44, 42, 50, 60, 80):
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            room = view.scrollable_content_region.width - 1  # the last column holds the position mark
            shown = "".join(view.display_text[s:e] for s, e in view.lines)
            assert shown.replace("\n", "") == view.display_text.replace("\n", ""), width  # nothing lost
            for s, e in view.lines:
                assert cell_len(view.display_text[s:e].rstrip("\n")) <= room, (width, view.display_text[s:e])
    store.close()


def per_code_point_cells(s: str) -> int:
    """A line's width as a terminal that sizes each code point on its own draws it (tmux 3.3)."""
    from rich.cells import get_character_cell_size

    return sum(get_character_cell_size(c) for c in s)


EMOJI_TEXT = (
    "Minister backs plan\n\nThe minister Anna Schmidt said: \u201cWe are ready \U0001f44d\U0001f3fd to act "
    "now \U0001f469\u200d\U0001f4bb.\u201d Critics in Berlin said the plan \u2764\ufe0f was weak, \u0031\ufe0f\u20e3 "
    "of them wrote.\n\nA lone modifier \U0001f3fd\u200d appears here, said Peter M\u00fcller."
)


async def test_joiners_and_skin_tones_take_the_same_cells_for_rich_and_the_terminal(tmp_path):
    """QA: 👍🏽 is 2 cells to Rich (one grapheme) but 4 to tmux 3.3, ❤️ 2 to Rich but 1 to tmux, a
    lone skin tone 0 to Rich and 2 to tmux: a row holding one was drawn shifted, its right border
    (and the next pane's row) out of place. Every line drawn — the article, both lists, the detail
    panel — now measures the same both ways, the article pane keeps its offsets, and an entity of
    nothing but a skin tone and a joiner is listed as ◌ (what a mark without its base shows as), not as
    an empty row — as is a skin tone that starts an entity ("🏽 emoji" was listed as " emoji")."""
    from rich.cells import cell_len

    store = ReviewStore.open(tmp_path / "s", write=True, reviewer="ana")
    lone = "\U0001f3fd\u200d"
    store.add_article(
        make_extraction(
            EMOJI_TEXT,
            [("Anna Schmidt", "PERSON"), (lone, "PRODUCT"), ("Berlin", "GPE")],
            [
                "We are ready \U0001f44d\U0001f3fd to act now \U0001f469\u200d\U0001f4bb.",
                "the plan \u2764\ufe0f was weak",
            ],
        )
    )
    for size in ((160, 48), (80, 24)):
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            view = app.screen.query_one(ArticleView)
            assert len(view.display_text) == len(EMOJI_TEXT)  # offsets index what is drawn
            for kind in ("entity", "claim"):
                if kind == "claim":
                    await pilot.press("tab")
                    await pilot.pause()
                for y in range(app.screen.size.height):
                    line = "".join(seg.text for seg in app.screen._compositor.render_update(full=True).strips[y])
                    assert cell_len(line) == per_code_point_cells(line) == size[0], (size, kind, y, line)
            await pilot.press("tab")
            await pilot.pause()
            rows = app.screen.query_one("#entities", CandidateList)
            listed = [rows.render_line(y).text for y in range(rows.size.height)]
            assert any("PRODUCT      \u25cc " in row for row in listed), listed
            assert "\u25cc\u200b" in view.display_text  # the article pane shows it too (same length)
    store.close()


def test_steady_keeps_offsets_and_one_line_keeps_something_to_show():
    from rich.cells import cell_len

    from tui.app.screens.dialogs import LabelPicker
    from tui.app.text import one_line, steady

    for s in (
        EMOJI_TEXT,
        "\U0001f3f3\ufe0f\u200d\U0001f308 flag",
        "a\u200db",
        "\U0001f3fd",
        "plain Z\u00fcrich \u6771\u4eac",
    ):
        out = steady(s)
        assert len(out) == len(s)
        assert cell_len(out) == per_code_point_cells(out), s
        assert cell_len(one_line(s, 500)) == per_code_point_cells(one_line(s, 500)), s
    assert steady("plain") == "plain"
    assert one_line("\U0001f44d\U0001f3fd ok") == "\U0001f44d ok"
    assert one_line("\U0001f3fd\u200d") == "\u25cc"  # never an empty row
    assert one_line("\U0001f3fd emoji") == "\u25cc emoji" == steady("\U0001f3fd emoji")
    assert one_line("1\ufe0f\u20e3 \u2764\ufe0f") == "1\u20e3 \u2764"  # a selector after a character is its own
    sri_lanka = "\u0dc1\u0dca\u200d\u0dbb\u0dd3 \u0dbd\u0d82\u0d9a\u0dcf"  # a joiner after a virama: spelling
    assert "\u25cc" not in steady(sri_lanka) + one_line(sri_lanka) and len(steady(sri_lanka)) == len(sri_lanka)
    # a new label may still hold what one_line leaves out of rows (it is refused only for controls)
    assert LabelPicker.matching(type("P", (), {"labels": ["ORG"]})(), "\U0001f3f3\ufe0f\u200d\U0001f308")[-1] == (
        "\U0001f3f3\ufe0f\u200d\U0001f308"
    )
