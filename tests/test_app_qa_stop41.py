"""What QA found on the review screen in stop 41: terminals of 16 colours, light themes, TERM=dumb,
dialogs' own keys."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from app_support import InPty
from rich.color import Color as RichColor
from textual.color import Color
from textual.widgets import Footer

from tui.app.app import ReviewApp
from tui.app.screens.dialogs import EditDialog
from tui.app.text import contrast
from tui.app.widgets.article import ArticleView
from tui.store import ReviewStore

from support import ROOT, make_extraction

TEXT = "Iran and Ukraine met in Paris on Monday, Ben Carter said. Prices rose 5 percent."


@pytest.fixture
def store(tmp_path):
    st = ReviewStore.open(tmp_path / "store", write=True, reviewer="alice")
    ex = make_extraction(
        TEXT,
        [("Iran", "GPE"), ("Ukraine", "GPE"), ("Paris", "GPE"), ("Monday", "DATE"), ("5 percent", "PERCENT")],
        ["Iran and Ukraine met in Paris on Monday"],
    )
    st.add_article(ex)
    yield st, ex
    st.close()


async def test_claims_have_a_colour_of_their_own_on_a_16_colour_terminal(store, tmp_path, monkeypatch):
    """QA: on TERM=xterm (or screen, linux) the claims' shading fell to the pane's black: claims could
    not be seen in the article."""
    st, _ = store
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("COLORTERM", raising=False)
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.has_class("-colors16")
        view = app.screen.query_one(ArticleView)
        shade = view.get_component_rich_style("article--claim").bgcolor
        assert shade is not None and shade.downgrade(RichColor.parse("red").type).number == 4  # the blue
    monkeypatch.setenv("TERM", "xterm-256color")
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert not app.has_class("-colors16")


async def test_the_legend_s_labels_are_readable_on_a_light_theme(store, tmp_path):
    """QA: the detail panel's "relabel: 1 PERSON 2 ORG …" kept the labels' own hues on light themes
    (PERCENT at 1.18:1), and so did a group's label."""
    st, _ = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        app.theme = "textual-light"
        for _ in range(5):  # the panel is drawn again once the theme's styles reached it
            await pilot.pause()
        panel = app.screen.query_one("#detail")
        _, background = panel.background_colors
        labels = {"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "CARDINAL", "MONEY", "PERCENT", "EVENT"}
        checked = set()
        for group in (True, False):  # a group row, then a mention of it (the entity's own panel)
            shown = panel.render_lines(panel.region.reset_offset)  # what it draws
            for strip in shown:
                for seg in strip:
                    if seg.text.strip() in labels and seg.style and seg.style.color and seg.style.color.triplet:
                        fg = Color(*seg.style.color.triplet)
                        assert contrast(fg, background) >= 3.0, (seg.text, fg.hex, background.hex)
                        checked.add(seg.text.strip())
            await pilot.press("right" if group else "left")
            await pilot.pause()
        assert {"PERCENT", "PERSON", "GPE"} <= checked


async def test_a_dialog_shows_its_own_keys(store, tmp_path):
    """QA: beneath every dialog the review screen's footer showed through ("a accept  x reject …")."""
    st, _ = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditDialog)
        footer = app.screen.query_one(Footer)
        keys = {b.action for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        assert footer.screen is app.screen and "save" in keys and "accept" not in keys
        assert "select_text" not in {  # an entity: ctrl+t (claims only) is not offered
            b.action for _, b, enabled, _ in app.screen.active_bindings.values() if enabled and b.show
        }


@pytest.mark.skipif(sys.platform != "linux", reason="a pseudo-terminal")
def test_a_dumb_terminal_is_told_not_drawn_on(tmp_path):
    """QA: TERM=dumb got a full screen in 24-bit colour (an editor's shell, a serial line: garbage)."""
    env = {**os.environ, "TERM": "dumb", "PYTHONPATH": str(ROOT), "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg")}
    exe = Path(sys.executable).with_name("newsreview")
    term = InPty([str(exe), "--store", str(tmp_path / "store"), "--reviewer", "ana"], env)
    try:
        term.pump(30)
    finally:
        code = term.close()
    out = bytes(term.out).decode()
    assert code == 1 and "\x1b[" not in out
    assert "the terminal is 'dumb' (TERM=dumb): it cannot draw the review screen" in out
    assert not (tmp_path / "store").exists()


def test_anonymous_names_a_reviewer_whose_version_is_gone_a_reviewer(store):
    """QA: with --anonymous, a ruling that chose bob's version, bob having undone it since, read
    "choosing another adjudicator's version … decided again since by another adjudicator"."""
    from tui.app.bindings import Keys
    from tui.app.screens.adjudicate import AdjudicateScreen

    st, _ = store
    screen = AdjudicateScreen(st, Keys(), anonymous=True)
    assert screen.shown_name("bob", ["ann"]) == "a reviewer"
    assert screen.shown_name("lena", ["ann"], ruled=True) == "another adjudicator"
    assert screen.shown_name("ann", ["ann"]) == "reviewer 1" and screen.shown_name("alice", []) == "you"


@pytest.mark.parametrize("size", [(80, 24), (72, 20)])
async def test_the_adjudication_excerpt_scrolls_to_its_item_at_80x24(tmp_path, size):
    """QA: at 80x24 the article excerpt below a claim's versions showed its first lines, the item
    further down out of sight."""
    filler = [f"Sentence {i} says little of note here." for i in range(120)]
    text = " ".join(filler[:60]) + " Joe Biden said the Zorblat would fail. " + " ".join(filler[60:])
    ex = make_extraction(text, [("Joe Biden", "PERSON")], ["the Zorblat would fail"])
    claim = ex.claims[0]["id"]
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ann") as st:
        st.add_article(ex)
        st.decide(ex.article.id, claim, "accept")
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ben") as st:
        st.decide(ex.article.id, claim, "reject")
    lead = ReviewStore.open(tmp_path / "s", write=True, reviewer="lena")
    try:
        app = ReviewApp(lead, config=tmp_path / "cfg", adjudicate=True)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            scroller = app.screen.query_one("#adj-body")
            box = app.screen.query_one("#adj-context")
            shown = [line.text for line in box.render_lines(box.region.reset_offset)]
            row = box.region.y + next(i for i, line in enumerate(shown) if "Zorblat" in line)
            assert scroller.region.y <= row < scroller.region.bottom  # on the screen (region: after scrolling)
            # and the versions' names, which say whose version each key picks (QA: scrolled away)
            table = app.screen.query_one("#adj-versions")
            lines = [line.text for line in table.render_lines(table.region.reset_offset)]
            head = table.region.y + next(i for i, line in enumerate(lines) if "the machine" in line)
            assert scroller.region.y <= head < scroller.region.bottom
    finally:
        lead.close()


def test_an_assignee_who_has_the_article_open_is_not_offered_for_taking(store):
    """QA: the queue said "takeable" while the expired assignee had the article open — a decision then
    took nothing over (the store checks who has it open; the queue did not)."""
    import time

    from tui.app.screens.queue import claim_of

    st, ex = store
    aid = ex.article.id
    st.assign(["bob"], overlap=1, lease_hours=0.0001)
    time.sleep(0.5)
    assert claim_of(st, aid, {}) == "takeable"
    assert claim_of(st, aid, {aid: ["bob"]}) == "theirs"
    assert claim_of(st, aid) == "takeable"  # (no presence known: the lease alone)


@pytest.mark.skipif(sys.platform != "linux", reason="a pseudo-terminal")
def test_bytes_that_are_no_utf8_do_not_stop_the_keys(tmp_path):
    """QA soak: one byte that is no UTF-8 from the terminal (Alt sent as an 8-bit meta byte, a Latin-1
    terminal) raised UnicodeDecodeError in Textual's input thread: no key was read after it."""

    store = tmp_path / "store"
    with ReviewStore.open(store, write=True, reviewer="ana") as st:
        ex = make_extraction("Kyiv held. Paris too.", [("Kyiv", "GPE"), ("Paris", "GPE")], [])
        st.add_article(ex)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg")}
    term = InPty([sys.executable, "-m", "tui", "--store", str(store), "--reviewer", "ana"], env, size=(120, 30))
    try:
        term.pump(60, until=b"decided here")
        term.pump(0.5)
        term.write(b"\xff\xfe\x80")  # no UTF-8 at all
        term.pump(0.5)
        term.write(b"a")  # a key after them still works: accept
        term.pump_until_decided(store, 1)
        term.write(b"q")
        term.pump(15, until=b"\x1b[?1049l")  # the screen given back
        term.pump(1)
    finally:
        code = term.close()
    with ReviewStore.open(store) as st:
        assert st.summary()["decided"] == 1
    assert code == 0 and b"UnicodeDecodeError" not in term.out


async def test_the_pane_with_the_keys_and_a_dialog_footer_that_follows_the_width(store, tmp_path):
    """QA: the lists (never focused) never showed that they had the keys; a dialog opened at 160
    columns kept its wide footer when the terminal narrowed; Enter was missing from the article list's
    footer (its search box's own Enter hid it)."""
    st, _ = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        review = app.screen
        assert not review.has_class("-article-keys")
        await pilot.press("v")
        await pilot.pause()
        assert review.has_class("-article-keys")
        await pilot.press("escape")
        await pilot.pause()
        assert not review.has_class("-article-keys")
        await pilot.press("l")
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        assert not footer.compact
        assert "open" in {b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert footer.compact


async def test_a_double_enter_in_the_assign_dialog_records_once_and_stays(store, tmp_path):
    """Review: with Enter a priority binding, the second Enter of a double press closed the dialog at
    once (the plan recorded by the first), before the lead saw who got what."""
    from textual.widgets import Input

    from tui.app.screens.assign import AssignDialog

    st, _ = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AssignDialog)
        dialog.query_one("#assign-team", Input).value = "ann, ben"
        dialog.query_one("#assign-overlap", Input).value = "1"
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert app.screen is dialog and dialog.plan
        assert "assign" not in {b.description for _, b, on, _ in dialog.active_bindings.values() if on and b.show}
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AssignDialog)
    assert st.assignments.count() == 1


async def test_the_next_adjudication_item_starts_from_the_top(tmp_path):
    """Review: the body only ever scrolled down, so an item that needed no scroll kept the last one's,
    its title out of sight."""
    filler = [f"Sentence {i} says little of note here." for i in range(120)]
    long_text = " ".join(filler[:60]) + " Joe Biden said the Zorblat would fail. " + " ".join(filler[60:])
    first = make_extraction(long_text, [("Joe Biden", "PERSON")], ["the Zorblat would fail"], title="Aaa long")
    # an item at the very start of a long article: it needs no scroll, but its body could keep one
    second = make_extraction("Kyiv held. " + " ".join(filler), [("Kyiv", "GPE")], [], title="Bbb start")
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ann") as st:
        for ex, cid in ((first, first.claims[0]["id"]), (second, second.entities[0]["id"])):
            st.add_article(ex)
            st.decide(ex.article.id, cid, "accept")
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ben") as st:
        st.decide(first.article.id, first.claims[0]["id"], "reject")
        st.decide(second.article.id, second.entities[0]["id"], "reject")
    lead = ReviewStore.open(tmp_path / "s", write=True, reviewer="lena")
    try:
        app = ReviewApp(lead, config=tmp_path / "cfg", adjudicate=True)
        async with app.run_test(size=(72, 20)) as pilot:
            await pilot.pause()
            await pilot.pause()
            scroller = app.screen.query_one("#adj-body")
            scrolled = [int(scroller.scroll_y)]
            await pilot.press("j")
            await pilot.pause()
            await pilot.pause()
            scrolled.append(int(scroller.scroll_y))
            await pilot.press("k")
            await pilot.pause()
            await pilot.pause()
            scrolled.append(int(scroller.scroll_y))
            # one of the two needs the scroll (the claim deep in the long article), the other none
            assert sorted(scrolled[:2])[0] == 0 and max(scrolled) > 0 and scrolled[2] == scrolled[0], scrolled
    finally:
        lead.close()
