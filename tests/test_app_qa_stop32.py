"""QA stop 32: crashes of the command palette racing Escape, the article queue cutting numbers, and
the adjudication screen's anonymous numbers and Escape texts — driven as QA met them (Pilot keys,
the driver's own key events for the races)."""

from __future__ import annotations

import asyncio

import pytest
from app_support import screen_text, settle
from test_app_desk import desk, until
from test_app_review import build
from textual import events
from textual.command import CommandList
from textual.widgets import DataTable, Input, OptionList

from tui.app.app import CommandPalette, ReviewApp
from tui.app.screens.adjudicate import AdjudicateScreen
from tui.app.screens.queue import QueueScreen
from tui.app.screens.review import ReviewScreen
from tui.app.widgets.article import ArticleView
from tui.store import ReviewStore

from support import make_extraction


@pytest.fixture
def review(tmp_path):
    store, ex = build(tmp_path / "store")
    yield ReviewApp(store, config=tmp_path / "cfg"), store, ex
    store.close()


def send(app, key: str) -> None:
    """A key as the terminal driver delivers it: queued, nothing waited for."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def spin(n: int) -> None:
    """``n`` turns of the event loop: the app handles a few messages, no more."""
    for _ in range(n):
        await asyncio.sleep(0)


async def palette_with(pilot, typed: str) -> CommandPalette:
    """The command palette open, ``typed`` in it and its hits listed."""
    app = pilot.app
    await pilot.press("ctrl+p", *typed)
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    assert await until(pilot, lambda: palette.query_one(CommandList).option_count > 0)
    return palette


def review_intact(app) -> bool:
    return isinstance(app.screen, ReviewScreen) and bool(app.screen.query(ArticleView)) and app.is_running


# -- 1. undo from the palette, then Escape Escape ------------------------------------------------------


async def test_escape_before_the_palette_gets_its_selection_keeps_the_review_screen(review):
    """QA: ctrl+p, l, Enter (undo the last decision), Escape Escape — about 1 in 4 the app died with
    NoMatches: ArticleView. Escape closed the palette; the selection Enter had started reached it
    after that and dismissed it again, which popped the review screen, then ran undo on it, its
    widgets gone. Here the selection is already queued when Escape closes the palette."""
    app, store, ex = review
    aid = ex.article.id
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", "a", "a")
        palette = await palette_with(pilot, "l")
        commands = palette.query_one(CommandList)
        decided = store.progress(aid)[0]
        first = commands.get_option_at_index(0)
        assert "undo the last decision" in str(first.prompt)
        palette.post_message(OptionList.OptionSelected(commands, first, 0))  # Enter's, on its way
        await app.run_action("escape", palette)  # the Escape pressed just after, handled first
        await pilot.pause(0.2)
        assert review_intact(app), app.screen_stack
        assert store.progress(aid)[0] == decided  # the palette was closed: its command did not run after
        await pilot.press("a")  # the review goes on
        assert store.progress(aid)[0] > decided
    assert app.return_code in (None, 0)


async def test_undo_from_the_palette_then_escape_escape_at_any_gap(review):
    """The QA sequence with the keys as the driver delivers them, Escape arriving a few event-loop
    turns after Enter (it crashed at 5 to 7 turns, every time)."""
    app, _store, _ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        for gap in range(0, 14):
            await pilot.press("a")
            await palette_with(pilot, "l")
            send(app, "enter")
            await spin(gap)
            send(app, "escape")
            await spin(gap % 4)
            send(app, "escape")
            await settle(pilot)
            assert app._exception is None and review_intact(app), (gap, app.screen_stack)
    assert app.return_code in (None, 0)


async def test_an_action_for_a_screen_that_has_gone_does_nothing(review):
    """The guard for whatever else arrives late (a palette command, a callback's action): an action
    aimed at a screen popped off the app does nothing instead of looking for its widgets."""
    app, store, ex = review
    aid = ex.article.id
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a")
        decided = store.progress(aid)[0]
        screen = app.screen
        await pilot.press("question_mark")  # the help over it, then popped as a stale dismiss did
        help_screen = app.screen
        help_screen.dismiss(None)
        await pilot.pause()
        assert help_screen not in app.screen_stack
        assert await app.run_action("close", help_screen) is False
        # the review screen itself, while Textual removes it (as after the palette's double dismiss)
        screen._pruning = True
        try:
            assert await app.run_action("undo", screen) is False
        finally:
            screen._pruning = False
        assert store.progress(aid)[0] == decided  # not undone
        await pilot.press("u")  # on screen again, undo works
        assert store.progress(aid)[0] == 0


# -- 2. the palette's watchers after its widgets went ----------------------------------------------------


async def test_the_palette_shows_nothing_once_its_list_is_removed(review):
    """QA (1 in 25): ctrl+p, l12mRU typed fast, Escape Escape — Textual 8.2.8's watcher of
    ``_list_visible`` looked the list up after the palette's widgets were removed (NoMatches:
    CommandList, the app exited). A search finishing then, or a countdown, does nothing now."""
    app, _store, _ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        palette = await palette_with(pilot, "l")
        await palette.query_one(CommandList).remove()  # as while the palette is taken down
        palette._list_visible = not palette._list_visible  # what a search's last results set
        palette._show_busy = True
        palette._start_no_matches_countdown("l12mRU")
        await pilot.pause(0.7)  # the "no matches" countdown's time
        assert app.is_running and app._exception is None
        palette._action_escape()
        await pilot.pause()
        assert review_intact(app)
    assert app.return_code in (None, 0)


async def test_letters_typed_before_escape_start_no_search_after_it(review, monkeypatch):
    """The letters' last search, still on its way to the palette when Escape closed it, started a
    search that outlived the palette's widgets: what reaches a closed palette is dropped."""
    app, _store, _ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        palette = await palette_with(pilot, "l")
        searches: list[str] = []
        monkeypatch.setattr(palette, "_gather_commands", lambda value: searches.append(value))
        box = palette.query_one(Input)
        palette.post_message(Input.Changed(box, "l12mRU"))  # typed just before Escape
        await app.run_action("escape", palette)
        await pilot.pause(0.2)
        assert searches == []
        assert review_intact(app)


async def test_typing_fast_then_escape_escape_never_kills_the_app(review):
    """The QA sequence many times with tiny gaps (a smoke test: the race above is rare here)."""
    app, _store, _ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        for round_ in range(30):
            send(app, "ctrl+p")
            await spin(3 + round_ % 7)
            for ch in "l12mRU":
                send(app, ch)
                await spin(round_ % 3)
            await spin(round_ % 11)
            send(app, "escape")
            await spin(round_ % 5)
            send(app, "escape")
            await settle(pilot)
            assert app._exception is None and app.is_running, round_
            while not isinstance(app.screen, ReviewScreen):
                await pilot.press("escape")
    assert app.return_code in (None, 0)


# -- 3. the article queue never cuts a number --------------------------------------------------------------


def crowded(path):
    """One article of 134 entities: ana and bob agree on 14 of them and disagree on 16."""
    words = " ".join(f"Word{i}" for i in range(134)) + "."
    ex = make_extraction(words, [(f"Word{i}", "ORG") for i in range(134)], title="A crowded article")
    ana = ReviewStore.open(path, write=True, reviewer="ana")
    ana.add_article(ex)
    bob = ReviewStore.open(path, write=True, reviewer="bob")
    aid = ex.article.id
    for i, cand in enumerate(ex.entities[:30]):
        ana.decide(aid, cand["id"], "accept")
        bob.decide(aid, cand["id"], "accept" if i < 14 else "reject")
    ana.refresh()  # (bob's decisions, as the app's live feed would read them)
    return ana, bob, aid


async def queue_row(pilot) -> str:
    """The queue's one row as the screen shows it, scrolled to its right end (at 80 columns the
    desk's columns are right of the view): the table's part of the screen, header left out."""
    table = pilot.app.screen.query_one(DataTable)
    table.scroll_to(x=table.max_scroll_x, animate=False)
    await pilot.pause()
    x, y, width, height = table.region
    lines = screen_text(pilot.app).splitlines()[y + 1 : y + height]
    return next(line[x : x + width] for line in lines if line[x : x + width].strip())


async def queue_shows(pilot, text: str, seconds: float = 8.0) -> str:
    """The queue's row once it shows ``text`` (the live feed reads the store every 0.3 s), or as it is."""
    deadline = asyncio.get_running_loop().time() + seconds
    row = await queue_row(pilot)
    while text not in row and asyncio.get_running_loop().time() < deadline:
        await pilot.pause(0.1)
        row = await queue_row(pilot)
    return row


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_queue_shows_whole_numbers_and_ellipsised_names(tmp_path, size):
    """QA: the desk column, 9 cells, showed "23/134 ⚠16" as "23/134 ⚠1"; "on it now", 10 cells, cut
    names ("me, bob, l"). The columns grow to their numbers; names end in "…" past their widest."""
    path = tmp_path / "store"
    ana, bob, aid = crowded(path)
    lena = ReviewStore.open(path, write=True, reviewer="lena")
    others: list[ReviewStore] = []
    try:
        fd, disputed, ft = ana.final_progress(aid)
        assert disputed == 16 and ft == 134
        desk_cell = f"{fd}/{ft} ⚠{disputed}"
        assert len(desk_cell) > 9
        bob.set_presence(aid)
        lena.set_presence(aid)
        app = ReviewApp(ana, config=tmp_path / "cfg")
        async with app.run_test(size=size) as pilot:
            review = app.screen
            assert await until(pilot, lambda: {"bob", "lena"} <= set(review.presence))
            await pilot.press("l")
            assert isinstance(app.screen, QueueScreen)
            row = await queue_row(pilot)
            assert desk_cell in row, row
            narrow = size[0] == 80  # one column of names there: the assignees, then "●" whoever is on it
            assert ("●me, ●bob, ●lena" if narrow else "me, bob, lena") in row, row
            # more names than the column holds: cut with "…", the numbers whole
            for name in ("carmen-alexandra", "dimitrios-k", "evangelina"):
                others.append(ReviewStore.open(path, write=True, reviewer=name))
                others[-1].set_presence(aid)
            cut = "●me, ●bob, ●car…" if narrow else "me, bob, carmen-alex…, …"
            row = await queue_shows(pilot, cut)
            assert cut in row and desk_cell in row, row
            # a dispute more while the queue is open: a digit more, shown whole
            cand = ana.candidates(aid, "entity")[40]
            ana.decide(aid, cand["id"], "accept")
            bob.decide(aid, cand["id"], "reject")
            grown = f"{fd}/{ft} ⚠{disputed + 1}"
            row = await queue_shows(pilot, grown)
            assert grown in row and "31/134" in row, row
    finally:
        for other in others:
            other.close()
        lena.close()
        bob.close()
        ana.close()


async def test_the_queue_shows_large_counts_whole(tmp_path, monkeypatch):
    """ "mine" (7 cells) and "#" (4) would cut a reviewer's 1234/12345 and article 10000 the same way."""
    path = tmp_path / "store"
    ana, bob, aid = crowded(path)
    try:
        monkeypatch.setattr(ana, "progress", lambda article: (1234, 12345))
        monkeypatch.setattr("tui.app.screens.queue.queue_rows", lambda store, here=None: [(10000, aid, "open")])
        app = ReviewApp(ana, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            row = await queue_row(pilot)
            assert "1234/12345" in row, row
            table.scroll_to(x=0, animate=False)
            await pilot.pause()
            x, y, width, _ = table.region
            row = screen_text(app).splitlines()[y + 1][x : x + width]
            assert row.split()[0] == "10000" and "1234/12345" in row, row
    finally:
        bob.close()
        ana.close()


# -- 4. anonymous numbers match their keys ----------------------------------------------------------------


@pytest.fixture
def three_reviewers(tmp_path):
    """ana, bob and cy on one store: bob and cy disagree on Ben Wallace, ana and cy on Russia (ana
    decided, so she counts among the store's reviewers)."""
    path = tmp_path / "store"
    ana, (ex,) = desk(path)
    aid = ex.article.id
    ben, russia = ex.entities[0]["id"], ex.entities[1]["id"]
    with (
        ReviewStore.open(path, write=True, reviewer="bob") as bob,
        ReviewStore.open(path, write=True, reviewer="cy") as cy,
    ):
        bob.decide(aid, ben, "accept")
        cy.decide(aid, ben, "reject")
        ana.decide(aid, russia, "accept")
        cy.decide(aid, russia, "reject")
    ana.close()
    return path, (aid, ben), (aid, russia)


async def test_anonymous_names_are_the_keys_that_pick_them(three_reviewers, tmp_path):
    """QA: with --anonymous the columns read "1  reviewer 2" and "2  reviewer 3": the numbers were
    places among all the store's reviewers by name, not the keys — confusing, and telling who was
    who. Each item's versions are now "reviewer 1", "reviewer 2"… as the keys that pick them."""
    path, ben, russia = three_reviewers
    lead = ReviewStore.open(path, write=True, reviewer="lead")
    try:
        app = ReviewApp(lead, config=tmp_path / "cfg", adjudicate=True, anonymous=True)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.screen
            assert isinstance(screen, AdjudicateScreen) and screen.current() == ben
            shown = screen_text(app)
            assert "1  reviewer 1" in shown and "2  reviewer 2" in shown, shown
            assert "reviewer 3" not in shown and "bob" not in shown and " cy" not in shown
            keys = [v["reviewer"] for v in screen.in_key_order(lead.candidate(*ben, view="final"))]
            n = keys.index("cy") + 1  # cy's version: "reviewer n" on this item, picked with n
            await pilot.press(str(n))
            assert lead.candidate(*ben, view="final")["adjudication"]["chose"] == "cy"
            assert screen.current() == russia
            shown = screen_text(app)
            assert f"settled with reviewer {n}'s version" in shown
            assert "1  reviewer 1" in shown and "2  reviewer 2" in shown and "reviewer 3" not in shown
            await pilot.press("k")  # back to Ben Wallace: settled, it says so with the same numbers
            shown = screen_text(app)
            assert f"choosing reviewer {n}'s version" in shown and "reviewer 3" not in shown, shown
    finally:
        lead.close()


# -- 5. what Escape does, said alike by the hint and the footer -------------------------------------------


def footer_and_hint(app) -> tuple[str, str]:
    lines = [line for line in screen_text(app).splitlines() if line.strip()]
    hint = next(line for line in lines if "pick a version" in line)
    return lines[-1], hint


async def test_escape_quits_says_the_footer_of_review_adjudicate(three_reviewers, tmp_path):
    """QA: on `review --adjudicate` the hint said "esc quits", the footer "esc back"."""
    path, _ben, _russia = three_reviewers
    lead = ReviewStore.open(path, write=True, reviewer="lead")
    try:
        app = ReviewApp(lead, config=tmp_path / "cfg", adjudicate=True)
        async with app.run_test(size=(160, 48)) as pilot:
            footer, hint = footer_and_hint(app)
            assert "esc quit" in footer and "esc back" not in footer, footer
            assert "esc quit" in hint and "back to" not in hint, hint
            await pilot.press("escape")
        assert app.return_code == 0
        app = ReviewApp(lead, config=tmp_path / "cfg")  # opened with J: escape goes back, both say so
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("J")
            assert isinstance(app.screen, AdjudicateScreen)
            footer, hint = footer_and_hint(app)
            assert "esc back" in footer and "esc quit" not in footer, footer
            assert "esc back to review" in hint and "quit" not in hint, hint
            await pilot.press("escape")
            assert isinstance(app.screen, ReviewScreen) and app.is_running
    finally:
        lead.close()


async def test_the_detail_shows_the_previewed_boundaries_own_tokens(review):
    """QA: while a boundary moved (before enter) the detail showed the new offsets beside the old
    candidate's token range ("offsets 3860:3870 tokens 707:709")."""
    from extractors.records import token_range

    app, _store, ex = review
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        await pilot.press("right", "j", "j", "full_stop")  # Ben Wallace's end grows by a token
        assert screen.preview is not None
        start, end = screen.preview
        ts, te = token_range(ex.article.text, screen.tokens, start, end)
        assert f"offsets {start}:{end}  tokens {ts}:{te}" in screen_text(app)


async def test_an_entity_from_a_selection_leaves_out_the_spaces_at_its_edges(review):
    """Review: a character-mode (or mouse, or find) selection "parliament " reached the label picker
    and was then refused by the store in an API message; its edge spaces are left out instead."""
    app, store, ex = review
    text = ex.article.text
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("v")
        view = app.screen.query_one(ArticleView)
        view.cursor = text.index("parliament") - 1  # the space before it
        await pilot.press("m", *["shift+right"] * 12)  # " parliament." → then one back: " parliament"
        await pilot.press("shift+left")
        start, end = view.selection()
        assert text[start:end] == " parliament"
        await pilot.press("e", "2")  # ORG
        added = [(c["text"], c["label"]) for c in store.candidates(ex.article.id) if c["origin"] == "analyst"]
        assert added == [("parliament", "ORG")]


def test_the_textual_internals_the_palette_guards_still_exist():
    """The palette's guards override Textual 8.2.8's private methods: a Textual that renamed them
    would silently drop the guards — this fails instead."""
    from textual.command import CommandPalette as Base

    for name in ("_watch__list_visible", "_watch__show_busy", "_start_no_matches_countdown",
                 "_start_busy_countdown", "_stop_no_matches_countdown", "_stop_busy_countdown",
                 "_action_command_list", "_on_message"):  # fmt: skip
        assert callable(getattr(Base, name, None)), name
    from textual.app import App

    for name in ("search_themes", "search_commands"):  # the palettes Textual's own commands open (stop 33)
        assert callable(getattr(App, name, None)), name
