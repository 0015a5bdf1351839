"""What stop 34 fixed from a QA run of a desk in tmux (two reviewers and a lead on one store):
the screen under NO_COLOR, and what a narrow terminal cut off."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from test_app_desk import disputes  # noqa: F401 (a fixture)
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


async def test_at_80_columns_the_status_line_keeps_who_else_is_here():
    """QA (80×24): a find term pushed "with ana" (and the disputes) off the status line; on a narrow
    line the desk comes before what the analyst is looking for."""
    from textual.app import App, ComposeResult

    from tui.app.widgets.status import StatusBar

    class Bar(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusBar()

    app = Bar()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        bar.reviewer, bar.article, bar.left, bar.here, bar.store = "lia", (3, 12), 9, (4, 20), (40, 300)
        bar.disputed = 2
        bar.desk = "with ana · desk 3/9"
        bar.find = "“the Ministry of Defence said” 1/4"
        await pilot.pause()
        line = bar.render_line(0).text
        assert "⚠ 2 disputed" in line and "with ana" in line, line
        assert "find:" in line  # the find after them, cut where the line ends


async def test_at_80_columns_the_queue_shows_mine_and_desk(review):
    """QA (80×24): the article list's "mine" and "desk" columns were past the right edge (scrolled
    off); the progress comes before the names, which may be cut."""
    store, _ex, config = review
    app = ReviewApp(store, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        from app_support import screen_text

        header = next(line for line in screen_text(app).splitlines() if " #  " in line and "title" in line)
        assert "mine" in header and "desk" in header, header


async def test_at_80_columns_the_adjudication_header_wraps(disputes, tmp_path):  # noqa: F811
    """QA (80×24, --anonymous): the header line was cut: "names hidden" and the last ruling ("settled
    with reviewer 2's version") were not on screen. It wraps."""
    from app_support import screen_text

    from tui.app.screens.adjudicate import AdjudicateScreen
    from tui.store import ReviewStore

    path = disputes[0]
    lead = ReviewStore.open(path, write=True, reviewer="lead")
    app = ReviewApp(lead, config=tmp_path / "cfg", adjudicate=True, anonymous=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, AdjudicateScreen)
        await pilot.pause()
        assert "names hidden" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        shown = " ".join(line.strip() for line in screen_text(app).splitlines()[:3])
        assert "settled with reviewer" in shown, shown
    lead.close()


# -- claims by selection (QA of the claims flow in tmux) ------------------------------------------------


@pytest.fixture
def claims(tmp_path):
    from test_claim_fields import build as build_claims

    store, aid = build_claims(tmp_path / "claims")
    yield store, aid
    store.close()


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_a_new_claim_is_checked_when_its_content_is_given(claims, tmp_path):
    """QA: a whitespace-only content, or the words of a claim already there, were refused only at
    the end of the new-claim flow — after the analyst had selected a speaker and a cue. Spaces at a
    selection's edges are left out (a content saved as ' the Turkish lira…')."""
    from test_claim_fields import NEW, TEXT, fielded, the_claim

    from tui.app.widgets.article import ArticleView

    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        view = screen.query_one(ArticleView)
        await pilot.press("tab", "v")
        line = TEXT.index("\n")
        view.select_span(line, line + 1)
        await pilot.press("c")
        assert screen.claim_flow is None and "only whitespace" in notes(app)
        taken = TEXT.index("Moscow denied it.")
        view.select_span(taken, taken + len("Moscow denied it."))
        await pilot.press("c")
        assert screen.claim_flow is None and "that claim is there already" in notes(app)
        start = TEXT.index(NEW) - 1  # with the space before it
        view.select_span(start, start + len(NEW) + 1)
        await pilot.press("c", "enter", "enter")
        await fielded(app, pilot)
        new = the_claim(store, aid, NEW)  # saved without the space
        assert TEXT[new["start"] : new["end"]] == NEW and new["quote_type"] == "none"


def test_a_claim_s_quote_type_follows_its_quotes():
    """QA: the new-claim flow said "direct" only when the content began with a quote mark, never
    "mixed"; moving a content kept the old type. The extraction's own rule now."""
    from extractors.quotes import quote_type_of

    text = "Under Obama, “the generals have been reduced to rubble,” Flynn said. Prices rose."
    quoted = text.index("“")
    assert quote_type_of(text, 0, text.index(" Flynn"), attributed=True) == "mixed"
    assert quote_type_of(text, quoted, text.index(" Flynn"), attributed=True) == "direct"
    assert quote_type_of(text, text.index("Prices"), len(text), attributed=True) == "indirect"
    assert quote_type_of(text, text.index("Prices"), len(text), attributed=False) == "none"


async def test_typing_in_the_speaker_list_finds_the_group_first(tmp_path):
    """QA: typing "fly" in the editor's speaker list went to an indented mention row ("  “Flynn”",
    the headline's) rather than the group's first row (nearest the claim): Textual's search took the
    row where the text came earliest in the line. The first row, in the list's order, with a word
    starting so."""
    from test_app_claims import build as build_claims
    from textual.widgets import Select

    from tui.app.screens.dialogs import EditDialog

    store, aid = build_claims(tmp_path / "store")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab", "e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        ben = next(c["id"] for c in store.candidates(aid, "entity") if c["text"] == "Ben Wallace")
        speaker = dialog.query_one("#speaker", Select)
        speaker.focus()
        await pilot.press("enter")  # the list opens
        await pilot.press(*"wal")
        await pilot.press("enter")
        await pilot.pause()
        assert speaker.value == ben, speaker.value
    store.close()


async def test_a_speaker_span_beginning_with_a_person_is_linked_to_them(tmp_path):
    """QA: "Corine Mauch, the mayor of Zürich," (the model had Zürich as a PERSON too) stayed unlinked
    when selected as the speaker, though the extraction had linked that very span: with several
    people or organisations inside, the one the span begins with."""
    from test_app_claims import TEXT
    from test_app_claims import build as build_claims

    store, aid = build_claims(tmp_path / "store")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)):
        screen = app.screen
        start = TEXT.index("Ben Wallace")
        ben = next(c for c in store.candidates(aid, "entity") if c["text"] == "Ben Wallace")
        ref = screen.span_ref("speaker", start, TEXT.index(" on Tuesday"))  # "Ben Wallace told MPs"
        assert ref["entity_id"] == ben["id"]
        ref = screen.span_ref("speaker", TEXT.index("Secretary"), TEXT.index(" on Tuesday"))  # begins with neither
        assert "entity_id" not in ref

    store.close()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox"])
async def test_the_cursor_is_not_the_colour_of_a_find_match(tmp_path, theme):
    """QA: the cursor was painted $accent, the current find match $warning — the same orange in
    Textual's own themes: after a find, the selection's end could not be told from the match."""
    from test_claim_fields import build as build_claims

    from tui.app.widgets.article import ArticleView

    store, _aid = build_claims(tmp_path / "store")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 30)) as pilot:
        app.theme = theme
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        cursor = view.get_component_rich_style("article--cursor").bgcolor
        for other in ("article--match", "article--match-current", "article--selection"):
            assert cursor != view.get_component_rich_style(other).bgcolor, (theme, other)
    store.close()


async def test_a_list_of_speakers_stays_unlinked(tmp_path):
    """The review: with the rule above, "Biden and Trump" linked to Biden alone."""
    from tui.store import ReviewStore

    from support import make_extraction

    text = "Biden and Trump said the debate would go ahead."
    ex = make_extraction(text, [("Biden", "PERSON"), ("Trump", "PERSON")], ["the debate would go ahead"])
    store = ReviewStore.open(tmp_path / "store", write=True, reviewer="ana")
    store.add_article(ex)
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 30)):
        assert "entity_id" not in app.screen.span_ref("speaker", 0, len("Biden and Trump"))
        assert app.screen.span_ref("speaker", 0, len("Biden"))["entity_id"] == ex.entities[0]["id"]
    store.close()
