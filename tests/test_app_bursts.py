"""Keys that arrive in one burst — a paste, an SSH link that delivers typed-ahead keys together — act
as they would one at a time (QA, stop 44: over SSH, "a x / label:GPE Enter a x" recorded no decision
and filtered by "label:GPEax").

Textual hands each key to the focused widget's queue and comes back to the app for the screen's
bindings once the widget has passed it on; ``/`` and ``ctrl+f`` are priority bindings, run as the app
takes the key, so the box they open was focused before the keys ahead of them came back — and an
input box swallows the screen's letter bindings. Keys after Enter or Escape in the box were typed into
it before the box closed."""

from __future__ import annotations

import pytest
from app_support import settle
from test_app_review import build
from textual import events

from tui.app.app import ReviewApp
from tui.app.screens.review import ReviewScreen


def paste(text: str) -> tuple[str, str]:
    return ("paste", text)


async def burst(pilot, *keys) -> None:
    """``keys`` sent as the terminal driver sends them, all before the app handles the first; a
    ``paste(text)`` among them is a bracketed paste."""
    app = pilot.app
    for key in keys:
        if isinstance(key, tuple):
            event = events.Paste(key[1])
        else:
            char = {"enter": "\r", "escape": "\x1b", "slash": "/", "space": " ", "question_mark": "?"}.get(
                key, key[-1] if len(key) == 1 or (key.startswith("alt+") and len(key) == 5) else None
            )
            event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    await settle(pilot)


@pytest.fixture
def opened(tmp_path):
    store, ex = build(tmp_path / "store")
    yield store, ex, ReviewApp(store, config=tmp_path / "cfg")
    store.close()


def statuses(store, ex):
    aid = ex.article.id
    return {store.candidate(aid, e["id"])["text"]: store.candidate(aid, e["id"])["status"] for e in ex.entities}


@pytest.mark.parametrize("opener", ["slash", "ctrl+f"])
async def test_keys_ahead_of_a_box_in_the_same_burst_act_on_the_screen(opened, opener):
    store, ex, app = opened
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.current()["id"]
        await burst(pilot, "a", "x", opener, "u")
        decided = {e["id"]: store.candidate(ex.article.id, e["id"])["status"] for e in ex.entities}
        assert decided[first] == "accepted"
        assert list(decided.values()).count("rejected") == 1
        assert screen.box == ("filter" if opener == "slash" else "find")
        box = app.focused
        assert box is not None and box.id == screen.box and box.value == "u"  # the key after it: typed


async def test_moves_ahead_of_the_filter_box_in_the_same_burst_move(opened):
    _, _, app = opened
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        start = screen.current()["id"]
        await burst(pilot, "j", "j", "k", "slash")
        await burst(pilot, "escape")
        assert screen.current()["id"] != start  # one down, net
        await burst(pilot, "k", "slash")
        await burst(pilot, "escape")
        assert screen.current()["id"] == start


async def outcome(path, keys, *, at_once):
    """What ``keys`` leave in a fresh store and on its screen, sent in one burst or one at a time."""
    store, ex = build(path / "store")
    app = ReviewApp(store, config=path / "cfg")
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            if at_once:
                await burst(pilot, *keys)
            else:
                for key in keys:
                    await burst(pilot, key)
            assert app.keys_in_order.gave_up == 0  # no key went on only because a second had passed
            screen = app.screen
            if isinstance(screen, ReviewScreen):
                shown = (screen.box, screen.state.query.text, screen.find_query, screen.current()["id"])
            else:  # a dialog or the palette, with what was typed into it
                box = app.focused
                shown = (type(screen).__name__, getattr(box, "value", None))
        return statuses(store, ex), shown
    finally:
        store.close()


@pytest.mark.parametrize(
    "keys",
    [
        ["slash", *"russia", "enter", "a"],
        ["ctrl+f", *"russia", "enter", "a", "x"],
        ["a", "slash", *"label:GPE", "enter", "a", "x"],  # QA's burst over SSH, near enough
        ["j", "ctrl+f", *"Wallace", "enter", "a", "slash", "x", "escape", "x", "u", "U"],
    ],
)
async def test_a_burst_through_a_box_does_what_the_same_keys_do_one_at_a_time(tmp_path, keys):
    (tmp_path / "one").mkdir()
    (tmp_path / "burst").mkdir()
    alone = await outcome(tmp_path / "one", keys, at_once=False)
    burst_ = await outcome(tmp_path / "burst", keys, at_once=True)
    assert burst_ == alone
    assert "accepted" in alone[0].values() and alone[1][0] is None  # decided, and the box closed


@pytest.mark.parametrize(
    ("keys", "expect"),
    [
        (["j", "ctrl+p", "q", "u", "i"], lambda st, shown: shown == ("CommandPalette", "qui")),
        (["j", "question_mark", "escape", "a"], lambda st, shown: "accepted" in st.values()),
        (["j", "e", "escape", "a"], lambda st, shown: "accepted" in st.values()),
        (["j", "l", "escape", "a"], lambda st, shown: "accepted" in st.values()),
        (["a", "slash", paste("russia"), "enter", "x"], lambda st, shown: shown[1] == "russia"),
        (["A", "enter", "enter"], lambda st, shown: "accepted" in st.values()),
        (["L", "O", "R", "G", "enter", "x"], lambda st, shown: "rejected" in st.values()),
        (["l", "escape", "a"], lambda st, shown: "accepted" in st.values()),
        # (stop 45) what a key sets going beyond its own handling, and a dialog's box focused as it mounts
        (["a", "ctrl+p", *"undo", "enter", "x", "j", "a"], lambda st, shown: "rejected" in st.values()),
        (["v", "e", "1", "a"], lambda st, shown: shown[0] is None),
        # (the picker cancelled, selection mode goes on: `a` is no key of it)
        (["v", "l", "e", "escape", "a"], lambda st, shown: shown[0] is None and set(st.values()) == {"pending"}),
        (["L", paste("ORG"), "enter", "x"], lambda st, shown: "edited" in st.values()),
        # (independent review, stop 45) a palette search still running when Enter comes: it waits for it
        # (zzzq matches nothing: Enter does nothing, Escape closes, `a` accepts the Wallace group alone;
        # Enter read ahead of the search chose the empty query's first command, an accept, too)
        (["ctrl+p", *"zzzq", "enter", "escape", "a"], lambda st, shown: list(st.values()).count("accepted") == 2),
        (
            ["ctrl+p", *"reject", "enter", "enter", "j"],
            lambda st, shown: list(st.values()).count("rejected") == 2 and "accepted" not in st.values(),
        ),
    ],
    ids=[
        "palette",
        "help",
        "edit",
        "queue",
        "paste",
        "confirmation",
        "label picker",
        "queue closed",
        "palette command",
        "selection e",
        "selection e escaped",
        "paste into a picker",
        "palette search with no match",
        "palette search then enter",
    ],
)
async def test_keys_typed_ahead_of_a_screen_an_earlier_key_opens_go_to_it(tmp_path, keys, expect):
    """Independent review (stop 44): keys held behind one that opened a screen were dropped — the
    palette opened empty, `j ? Escape a` left the help open and decided nothing — and a paste in a
    burst jumped ahead of the keys before it. QA (stop 44, not fixed until stop 45): keys after a palette
    command's Enter did nothing (the command runs after the palette has closed); after selection
    mode's `e` they went into its picker's search, or before it opened; a paste right behind `L`
    reached the picker before its box had the focus (Enter then chose PERSON)."""
    (tmp_path / "one").mkdir()
    (tmp_path / "burst").mkdir()
    alone = await outcome(tmp_path / "one", keys, at_once=False)
    burst_ = await outcome(tmp_path / "burst", keys, at_once=True)
    assert burst_ == alone
    assert expect(*alone), alone


async def test_keys_after_escape_in_the_filter_box_act_on_the_screen(opened):
    store, ex, app = opened
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        first = screen.current()["id"]
        await burst(pilot, "slash", "z", "q", "escape", "a")
        assert screen.box is None and screen.state.query.text == ""
        assert store.candidate(ex.article.id, first)["status"] == "accepted"
        assert app.is_running  # the `q` was typed into the box, not a quit


@pytest.mark.parametrize(
    ("keys", "alone"),
    [
        (["slash", *"iran", "alt+x"], ["slash", *"iran", "escape", "x"]),
        (["ctrl+f", *"wall", "alt+a"], ["ctrl+f", *"wall", "escape", "a"]),
        (["e", "alt+a"], ["e", "escape", "a"]),
    ],
    ids=["filter", "find", "dialog"],
)
async def test_escape_read_together_with_the_next_key_is_both(tmp_path, keys, alone):
    """QA (stop 44): Escape and the key after it, read in one burst (or within 0.1 s), reach Textual as
    `alt`+that key: "/iran⎋x" kept the filter and rejected Iran; "⎋q" typed q into the box. The app
    binds no `alt` key: it is read as Escape, then the key."""
    (tmp_path / "one").mkdir()
    (tmp_path / "burst").mkdir()
    slowly = await outcome(tmp_path / "one", alone, at_once=False)
    together = await outcome(tmp_path / "burst", keys, at_once=True)
    assert together == slowly


async def test_an_alt_key_remapped_to_a_binding_is_that_binding(tmp_path):
    store, ex = build(tmp_path / "store")
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "keys.toml").write_text('[keys]\n"review.accept" = "alt+a"\n', encoding="utf-8")
    app = ReviewApp(store, config=cfg)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            first = app.screen.current()["id"]
            await burst(pilot, "alt+a")
            assert store.candidate(ex.article.id, first)["status"] == "accepted"
    finally:
        store.close()


def test_escape_read_before_another_escape_sequence_is_escape_to_the_parser():
    """QA (stop 45): "/ abc Escape j →" in one burst arrives as ⎋j⎋[C; Textual's parser reissued ⎋j
    with the Escape turned into "^" — the filter stayed open holding "abc^j"."""
    from textual._xterm_parser import XTermParser

    from tui.app import escapes

    escapes.install()

    def keys(data: str) -> list[str]:
        parser = XTermParser(False)
        return [t.key for t in [*parser.feed(data), *parser.feed("")] if isinstance(t, events.Key)]

    assert keys("\x1bj\x1b[C") == ["alt+j", "right"]  # (the app reads alt+j as Escape, then j)
    assert keys("\x1b\x01\x1b[C")[0] == escapes.MARK  # what the parser still reissues: Escape kept
    # (QA, stop 45) Escape and a digit were macOS's Option characters: "/ Escape 1 Enter" filtered by ¡
    assert keys("\x1b1\x1b[B") == ["alt+1", "down"] and keys("\x1b-") == ["alt+minus"]
    assert keys("\x1bf") == ["alt+f"]  # not emacs's ctrl+right
    assert keys("^j") == ["circumflex_accent", "j"]  # a typed ^ is still one
    assert keys("\x1b") == ["escape"] and keys("\x1bx") == ["alt+x"] and keys("\x1b[A") == ["up"]
    assert keys("\x1b\t") == ["shift+tab"] and keys("\x1bOP") == ["f1"]


@pytest.mark.parametrize(
    ("keys", "alone"),
    [
        (["slash", "alt+1", "down"], ["slash", "escape", "1", "down"]),
        (["alt+1", "a"], ["escape", "1", "a"]),
    ],
    ids=["filter", "review"],
)
async def test_escape_and_a_digit_read_together_are_both(tmp_path, keys, alone):
    """QA (stop 45): Escape and a digit in one burst were ¡ (and Escape and 5 ∞): typed into the filter,
    or nothing on the review screen where slowly they relabel."""
    (tmp_path / "one").mkdir()
    (tmp_path / "burst").mkdir()
    slowly = await outcome(tmp_path / "one", alone, at_once=False)
    together = await outcome(tmp_path / "burst", keys, at_once=True)
    assert together == slowly


async def test_the_escape_the_parser_passes_on_acts_as_escape(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "burst").mkdir()
    slowly = await outcome(tmp_path / "one", ["slash", *"abc", "escape", "j", "right"], at_once=False)
    together = await outcome(tmp_path / "burst", ["slash", *"abc", "newsreview_escape", "j", "right"], at_once=True)
    assert together == slowly and slowly[1][:2] == (None, "")  # the box closed, nothing typed into it
