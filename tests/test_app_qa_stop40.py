"""What stop 40 fixed from QA runs of the review screen against the README: the label set as an
analyst uses it (relabelling out of it, its dialog) and a speaker linked to a relabelled entity."""

from __future__ import annotations

import pytest
from textual.widgets import SelectionList

from tui.app.app import ReviewApp
from tui.export import store_articles
from tui.store import DecisionError, ReviewStore

from support import make_extraction

TEXT = "Iran and Ukraine met in Paris on Monday, Ben Carter said."


@pytest.fixture
def store(tmp_path):
    st = ReviewStore.open(tmp_path / "store", write=True, reviewer="alice")
    ex = make_extraction(
        TEXT,
        [("Iran", "GPE"), ("Ukraine", "GPE"), ("Paris", "GPE"), ("Monday", "DATE"), ("Ben Carter", "PERSON")],
        ["Iran and Ukraine met in Paris on Monday"],
    )
    st.add_article(ex)
    yield st, ex
    st.close()


def ids(ex) -> dict[str, str]:
    return {c["text"]: c["id"] for c in ex.entities + ex.claims}


def test_a_speaker_links_to_an_entity_as_relabelled_now(store):
    """QA: "Monday" relabelled DATE → PERSON could not be linked as a claim's speaker ("a DATE entity,
    which cannot speak": the model's label was checked); "Ben Carter" relabelled → DATE still could."""
    st, ex = store
    aid, cid = ex.article.id, ids(ex)
    st.decide(aid, cid["Monday"], "edit", changes={"label": "PERSON"})
    start = TEXT.index("Monday")
    speaker = {"start": start, "end": start + 6, "entity_id": cid["Monday"]}
    # (the content without "on Monday": a speaker inside the content is refused since stop 46)
    changes = {"end": TEXT.index(" on Monday"), "speaker": speaker}
    claim = st.decide(aid, cid["Iran and Ukraine met in Paris on Monday"], "edit", changes=changes)
    assert claim["speaker"]["entity_id"] == cid["Monday"]
    st.decide(aid, cid["Ben Carter"], "edit", changes={"label": "DATE"})
    start = TEXT.index("Ben Carter")
    ben = {"start": start, "end": start + 10, "entity_id": cid["Ben Carter"]}
    with pytest.raises(DecisionError, match="is a DATE entity"):
        st.decide(aid, cid["Iran and Ukraine met in Paris on Monday"], "edit", changes={"speaker": ben})


def test_the_default_export_leaves_out_entities_relabelled_out_of_the_label_set(store):
    """QA: with LOC out of the label set, "Iran" relabelled GPE → LOC (and "Ukraine" to a label typed
    whole, WEAPON) stayed in the default export under labels the set leaves out. Review still lists
    them (their decisions are there to see and undo); the export leaves them out, --all-labels not."""
    st, ex = store
    aid, cid = ex.article.id, ids(ex)
    st.set_labels(["PERSON", "GPE", "DATE"])
    st.decide(aid, cid["Iran"], "edit", changes={"label": "LOC"})
    st.decide(aid, cid["Ukraine"], "edit", changes={"label": "WEAPON"})
    st.decide(aid, cid["Paris"], "accept")
    (article,) = store_articles(st)
    assert [e["text"] for e in article["entities"]] == ["Paris"]
    assert article["review"]["total"] == 4  # Monday, Paris, Ben Carter and the claim: what the export holds
    (everything,) = store_articles(st, all_labels=True)
    assert {e["text"]: e["label"] for e in everything["entities"]} == {
        "Iran": "LOC",
        "Ukraine": "WEAPON",
        "Paris": "GPE",
    }
    assert st.in_scope(st.candidate(aid, cid["Iran"]))  # still on the review screen's list


async def test_relabelling_out_of_the_label_set_says_what_becomes_of_it(store, tmp_path):
    st, ex = store
    st.set_labels(["PERSON", "GPE", "DATE"])
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.screen.current()["text"] == "Iran"
        app.screen._relabel("LOC")
        await pilot.pause()
        said = "\n".join(str(n.message) for n in app._notifications)
        assert "LOC is not in the store's label set" in said and "default export leaves it out (S adds" in said
    assert st.candidate(ex.article.id, ids(ex)["Iran"])["label"] == "LOC"


async def test_the_label_set_dialog_keeps_each_label_in_its_place_and_shows_them_all(store, tmp_path):
    """QA: an unticked label moved to the end of the dialog's list, below its fold (18 of 20 rows
    shown at 48 rows), and was taken for gone. Labels keep the pipeline's order, the set's own and
    those in use after them, and at 160×48 every one is on screen."""
    st, _ex = store
    st.set_labels(["PERSON", "ORG", "GPE", "NORP", "DATE", "WEAPON"])
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        rows = app.screen.query_one(SelectionList)
        labels = [rows.get_option_at_index(i).value for i in range(rows.option_count)]
        assert labels[:4] == ["PERSON", "ORG", "GPE", "LOC"] and labels[-1] == "WEAPON"
        assert rows.max_scroll_y == 0 and rows.size.height == len(labels)
        assert set(rows.selected) == {"PERSON", "ORG", "GPE", "NORP", "DATE", "WEAPON"}
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:  # a short terminal: the list gives way, scrolls
        await pilot.press("S")
        await pilot.pause()
        rows = app.screen.query_one(SelectionList)
        assert 4 <= rows.size.height <= 8 and rows.max_scroll_y > 0


# -- keys.toml and settings.json (a QA pass on user configuration) ----------------------------------


def keys_with(toml_keys: dict[str, str]):
    from tui.app.bindings import Keys

    return Keys(toml_keys)


def test_a_key_of_the_app_itself_is_refused_and_said():
    """QA: "review.reject" = "ctrl+q" quit the app, "review.accept" = "ctrl+p" opened the palette,
    with no word and no accept or reject key left."""
    keys = keys_with({"review.accept": "ctrl+p", "review.reject": "ctrl+q,d"})
    said = "\n".join(keys.problems())
    assert "review.accept = 'ctrl+p': ctrl+p is the app's own key (the command palette)" in said
    assert "left out; review.accept has a)" in said
    assert "review.reject = 'ctrl+q': ctrl+q is the app's own key (quit)" in said
    assert keys.keys("review.accept") == ["a"] and keys.keys("review.reject") == ["d"]
    assert keys.in_force() == {"review.accept": "a", "review.reject": "d"}


def test_a_typing_key_in_a_dialog_with_a_text_box_is_refused_and_said():
    """QA: "queue.open" = "o" typed "o" into the article list's search, "labels.choose" = "o" chose the
    highlighted label as the analyst typed "o" to find ORG, "edit.cancel" = "c" did nothing in a field.
    The label picker's number keys stay numbers."""
    keys = keys_with(
        {"queue.open": "o", "labels.choose": "o", "edit.cancel": "c", "labels.pick_1": "7", "queue.close": "escape,w"}
    )
    said = "\n".join(keys.problems())
    assert "queue.open = 'o': a key that types a character would go to the article list's search" in said
    assert "labels.choose = 'o': a key that types a character would go to the label picker's search" in said
    assert "edit.cancel = 'c': a key that types a character would go to the edit dialog's fields" in said
    assert keys.keys("queue.open") == ["enter"] and keys.keys("edit.cancel") == ["escape"]
    assert keys.keys("queue.close") == ["escape"] and keys.keys("labels.pick_1") == ["7"]


def test_shift_and_a_letter_is_the_capital_a_terminal_sends():
    """QA: "shift+y" was taken and shown, and never fired: a terminal sends Y."""
    keys = keys_with({"review.accept": "shift+y"})
    assert keys.keys("review.accept") == ["Y"] and not keys.problems()


def test_a_key_given_twice_says_who_keeps_it_and_the_loser_keeps_its_own():
    """QA: "y" for accept and reject: the warning did not say accept keeps it, and help listed "y
    reject" though reject had no working key. "y,y" is one key, not a clash with itself."""
    keys = keys_with({"review.accept": "y,y", "review.reject": "y"})
    (said,) = keys.problems()
    assert (
        said
        == "keys.toml: 'y' is given to both review.accept and review.reject: review.accept keeps it (review.reject has x)"
    )
    assert keys.keys("review.accept") == ["y"] and keys.keys("review.reject") == ["x"]


def test_a_selection_key_on_a_review_key_that_works_while_selecting_is_said():
    keys = keys_with({"article.new_entity": "m"})
    said = "\n".join(keys.problems())
    assert "'m' is both article.new_entity and review.char_mode: while selecting text (v)" in said


def test_the_help_key_unbound_makes_no_odd_message():
    keys = keys_with({"review.help": "ctrl+q", "review.typo": "z"})
    assert any(p.endswith("(the help screen (?) lists every id)") for p in keys.problems())


def test_keys_toml_entries_outside_the_table_and_empty_keys_are_said(tmp_path):
    from tui.app.config import load_keymap

    (tmp_path / "keys.toml").write_text('"review.accept" = "y"\n[keys]\n"review.reject" = ""\n', encoding="utf-8")
    keymap, problem = load_keymap(tmp_path)
    assert keymap == {"review.reject": ""}
    assert problem is not None and "ignored review.accept: remaps go in the [keys] table" in problem
    assert "review.reject = '' names no key" in "\n".join(keys_with(keymap).problems())


@pytest.mark.parametrize("name", ["settings.json", "keys.toml"])
async def test_a_config_file_nested_too_deeply_is_said_and_the_app_starts(store, tmp_path, name):
    """QA: 200,000 nested brackets in settings.json (or 500 in keys.toml) stopped the app at start
    with "internal error: RecursionError"."""
    st, _ex = store
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    deep = "[" * 200_000 + "]" * 200_000 if name == "settings.json" else "a = " + "[" * 600 + "]" * 600
    (cfg / name).write_text(deep, encoding="utf-8")
    app = ReviewApp(st, config=cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a")
        said = "\n".join(str(n.message) for n in app._notifications)
        assert ("could not be read" if name == "settings.json" else "nested too deeply to read") in said
    assert (cfg / name).read_text(encoding="utf-8") == deep


async def test_a_damaged_settings_file_is_said_and_never_written_over(store, tmp_path):
    """QA: a trailing comma in settings.json, and the next article change rewrote the file with only
    "left_off": every analyst's theme in it was lost, without a word."""
    st, _ex = store
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    damaged = '{"themes": {"alice": "nord", "carol": "gruvbox"}, "left_off": {}, }'
    (cfg / "settings.json").write_text(damaged, encoding="utf-8")
    app = ReviewApp(st, config=cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", "x")
        app.remember_article("a-elsewhere")
        said = "\n".join(str(n.message) for n in app._notifications)
        assert "settings.json could not be read: it is kept as it is" in said
    assert (cfg / "settings.json").read_text(encoding="utf-8") == damaged


async def test_a_config_folder_that_is_a_file_is_said(store, tmp_path):
    st, _ex = store
    cfg = tmp_path / "cfg"
    cfg.write_text("not a folder", encoding="utf-8")
    app = ReviewApp(st, config=cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "cfg is not a folder: keys.toml is not read" in "\n".join(str(n.message) for n in app._notifications)


async def test_remapped_accept_and_reject_stay_first_in_an_80_column_footer(store, tmp_path):
    """QA: Textual moves a remapped binding to the end of its footer: at 80 columns "y accept" was
    cut and "d reject" gone."""
    st, ex = store
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "keys.toml").write_text('[keys]\n"review.accept" = "y"\n"review.reject" = "d"\n', encoding="utf-8")
    app = ReviewApp(st, config=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from app_support import screen_text

        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith("y accept d reject u undo ? help q quit"), footer
        await pilot.press("d")
    assert "rejected" in {c["status"] for c in st.candidates(ex.article.id, "entity")}


async def test_many_keys_toml_problems_are_cut_to_a_few_lines(store, tmp_path):
    st, _ex = store
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "keys.toml").write_text("[keys]\n" + "".join(f'"x.{i}" = "y"\n' for i in range(3000)), encoding="utf-8")
    app = ReviewApp(st, config=cfg)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        (note,) = [str(n.message) for n in app._notifications if n.title == "keys.toml"]
        assert len(note.splitlines()) == 9 and note.endswith("… and 2992 more problems in keys.toml")


def test_the_app_keys_refused_are_the_apps_own():
    from tui.app.bindings import APP_KEYS

    own = {b.key for b in ReviewApp.BINDINGS} | {ReviewApp.COMMAND_PALETTE_BINDING}
    assert set(APP_KEYS) == own


async def test_a_find_escaped_away_stays_away_and_a_mention_find_counts_whole_words(tmp_path):
    """QA: ``*`` on "one" found its 2 mentions; escape hid them; saving the label set (which reads the
    article again) brought the find back, counting 13 matches ("drones", "components")."""
    from tui.app.widgets.article import ArticleView

    text = "One drone, one component and someone else; one more."
    st = ReviewStore.open(tmp_path / "store", write=True, reviewer="alice")
    _, aid = st.add_article(make_extraction(text, [("one", "CARDINAL")], []))
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.screen.query_one(ArticleView)
        await pilot.press("asterisk")
        assert [text[s:e] for s, e in view.matches] == ["One", "one", "one"]
        app.screen.load_article(aid)  # what saving the label set does
        await pilot.pause()
        assert len(view.matches) == 3  # the same matches, whole words, not "someone"
        await pilot.press("escape")
        assert not view.matches
        app.screen.load_article(aid)
        await pilot.pause()
        assert not view.matches and "find:" not in app.screen.query_one("StatusBar").render().plain
        await pilot.press("f3")  # the query stays for the next find
        assert len(view.matches) == 3
    st.close()


@pytest.mark.parametrize("width", [110, 130, 150])
async def test_big_counts_fit_the_status_line_from_110_columns(store, tmp_path, width):
    """QA (10,000 articles): between 110 and about 150 columns the top line was cut once the counts
    had five or six digits — the store's totals, then the desk, lost. Where the whole does not fit,
    the bar takes the short words of a narrow terminal and the counts stay."""
    from tui.app.widgets.status import StatusBar

    st, _ex = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(width, 40)):
        bar = app.screen.query_one(StatusBar)
        bar.article, bar.left, bar.here = (9876, 10000), 137, (3, 140)
        bar.store, bar.disputed, bar.desk = (123456, 1234567), 12, "with bob, carol"
        line = "".join(segment.text for segment in bar.render_line(0))
        assert len(line) == width
        assert "store 123456/1234567" in line and "with bob, carol" in line and "12 disputed" in line, line
        assert "9876/10000" in line and "137" in line and "…" not in line, line


async def test_e_runs_newsreview_itself_whatever_folder_the_app_started_in(store, tmp_path, monkeypatch):
    """QA: the child was ``python -m tui``, which looks in the current folder first: a ``tui.py``
    there ran instead (and the app said the export was written). It is ``python -P -m tui`` now,
    and a success is said only once the file is there, new."""
    from app_support import exported

    st, _ex = store
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "tui.py").write_text(f"open({str(elsewhere / 'RAN')!r}, 'w').write('ran')\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("a", "E")
        await exported(pilot, app)
        said = "\n".join(str(n.message) for n in app._notifications)
    assert not (elsewhere / "RAN").exists()
    assert (st.folder / "export.json").is_file() and "exported accepted, edited and added items" in said


async def test_quitting_while_e_exports_neither_waits_nor_cuts_it_short(store, tmp_path, monkeypatch):
    """QA: q during a long export left the terminal silent until it ended; E and q in one burst
    exported nothing, without a word. The export starts at once, in a session of its own, and goes
    on after the app quits; the app says so on its way out.

    The child waits at start-up for a gate file (a ``sitecustomize`` on its PYTHONPATH), so that it
    is still running when the app has quit however loaded the machine is (it once finished first)."""
    import os
    import time

    from tui.app.screens.exporter import still_running

    gate, hooks = tmp_path / "gate", tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(
        "import os, time\n"
        "gate = os.environ.get('NEWSREVIEW_TEST_GATE')\n"
        "deadline = time.monotonic() + 60\n"
        "while gate and not os.path.exists(gate) and time.monotonic() < deadline:\n"
        "    time.sleep(0.02)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("NEWSREVIEW_TEST_GATE", str(gate))
    st, _ex = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("E", "q")
    assert still_running() == [st.folder / "export.json"]  # (the cli's run() writes this on stderr)
    assert not (st.folder / "export.json").exists()
    gate.touch()
    deadline = time.monotonic() + 60
    while still_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not still_running() and (st.folder / "export.json").is_file()


def test_keys_a_text_box_edits_with_and_capitals_are_said_or_read_as_a_terminal_sends_them():
    """QA: "edit.save" = "ctrl+a" moved the field's cursor and saved nothing; "shift+Y" and "ctrl+Y"
    were dead keys, and "ctrl+P" slipped past the refusal of the palette's key."""
    keys = keys_with(
        {"edit.save": "ctrl+a", "queue.open": "home", "review.accept": "shift+Y", "review.reject": "ctrl+P"}
    )
    said = "\n".join(keys.problems())
    assert "edit.save = 'ctrl+a': ctrl+a edits the text in the edit dialog's fields" in said
    assert "queue.open = 'home': home edits the text in the article list's search" in said
    assert "review.reject = 'ctrl+p': ctrl+p is the app's own key (the command palette)" in said
    assert keys.keys("review.accept") == ["Y"] and keys.keys("edit.save") == ["ctrl+s"]


def test_w_goes_past_a_split_emoji_to_the_next_word_not_the_space_after_it():
    from tui.app import spans

    text = "The UK 🇬🇧🇫🇷 flags and 👍🏽 thumbs met"
    tokens = [
        (0, 3),
        (4, 6),
        (7, 8),
        (8, 9),
        (9, 10),
        (10, 11),
        (12, 17),
        (18, 21),
        (22, 23),
        (23, 24),
        (25, 31),
        (32, 35),
    ]
    walk, at = [], 0
    for _ in range(8):
        at = spans.word_step(tokens, at, 1, text)
        walk.append(text[at : at + 2])
    assert walk == ["UK", "🇬🇧", "🇫🇷", "fl", "an", "👍🏽", "th", "me"]
    assert spans.word_step(tokens, text.index("thumbs"), -1, text) == text.index("👍")


async def test_a_find_this_article_does_not_show_is_dropped(tmp_path):
    """QA: a find with no match on this article could not be escaped (nothing showed), and came back
    articles later."""
    from tui.app.widgets.article import ArticleView

    st = ReviewStore.open(tmp_path / "store", write=True, reviewer="alice")
    for text in ("A statement here.", "Nothing in this one.", "Another statement."):
        st.add_article(make_extraction(text, [("A", "PERSON")] if text.startswith("A") else [("Nothing", "ORG")], []))
    app = ReviewApp(st, config=tmp_path / "cfg", start_article=st.article_ids()[0])
    async with app.run_test(size=(160, 48)) as pilot:
        view = app.screen.query_one(ArticleView)
        await pilot.press("ctrl+f", *"statement", "enter")
        assert len(view.matches) == 1
        await pilot.press("n", "n")
        assert app.screen.aid == st.article_ids()[2] and not view.matches
        await pilot.press("f3")  # its words are kept for the next find
        assert len(view.matches) == 1
    st.close()


async def test_quitting_while_plus_extracts_a_folder_stops_the_extraction(store, tmp_path):
    """QA: q (or a hang-up) while ``+`` extracted a folder of 300 articles took the screen away at
    once, but the worker went on for two minutes, holding the reviewer's lock. The extraction now
    stops after the article it is on."""
    import time

    from tui.app.screens.add import ArticleAdder

    st, _ex = store
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i}.txt").write_text(
            f"Report {i} from Kyiv.\n\nOfficials in Lviv spoke {i} times.", encoding="utf-8"
        )
    extracted: list[str] = []

    batches: list[int] = []

    class Slow:
        def extract(self, articles, **_):
            batches.append(len(articles))  # (spaCy parses a batch whole before the first comes out)
            for article in articles:
                time.sleep(0.1)
                extracted.append(article.id)
                yield make_extraction(article.text, [], [])

    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        app.screen.query_one(ArticleAdder).cache["extractor"] = Slow()
        await pilot.press("plus")
        app.screen.query_one("#add-path").value = str(folder)
        await pilot.press("enter")
        while len(extracted) < 3:
            await pilot.pause(0.05)
        await pilot.press("q")
    at_quit = len(extracted)
    time.sleep(1.5)  # the old worker went on: 15 more articles in this time
    from tui.ingest import STOP_EVERY

    assert len(extracted) <= at_quit + STOP_EVERY, (at_quit, len(extracted))  # stopped with the batch it was on
    assert max(batches) == STOP_EVERY  # QA: nlp.pipe's batch of 16 long articles took 20 s to give way


async def test_narrowed_from_a_wide_terminal_the_footer_keeps_help_and_quit(store, tmp_path):
    """QA: started at 160 columns then narrowed to 40-80, the palette's key stayed docked at the
    right, over help and quit, with a stray character after it."""
    from app_support import screen_text

    st, _ex = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert "^p palette" in screen_text(app).splitlines()[-1]
        for width in (40, 80):
            await pilot.resize_terminal(width, 20)
            await pilot.pause(0.2)
            footer = screen_text(app).splitlines()[-1]
            assert footer.startswith("a accept x reject u undo ? help q quit") and "palette" not in footer, footer
        await pilot.resize_terminal(160, 40)
        await pilot.pause(0.2)
        assert "^p palette" in screen_text(app).splitlines()[-1]


async def test_ctrl_c_quits_and_ctrl_z_suspends(store, tmp_path, monkeypatch):
    """QA: ctrl+c showed "Press [b]q[/b] to quit the app" (markup as text) and stayed; ctrl+z did
    nothing. ctrl+c quits (every decision is saved), ctrl+z suspends as any terminal program does."""
    st, _ex = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    suspended = []
    monkeypatch.setattr(ReviewApp, "action_suspend_process", lambda self: suspended.append(True))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("ctrl+z")
        assert suspended == [True] and app.is_running
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert not any("[b]" in str(n.message) for n in app._notifications)
    for opening in (["slash", "R"], ["l", "R"], ["e"], ["question_mark"], ["v"]):  # QA: some boxes took it
        app = ReviewApp(st, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press(*opening)
            await pilot.pause()
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert not app.is_running, opening
    # QA (SSH, stop 47): ctrl+z did nothing in the label picker, the editor, the queue and help — and
    # the `fg` typed to resume went into the picker, saved as a new label "fg"
    for opening in (["L"], ["e"], ["l"], ["question_mark"], ["slash"]):
        suspended.clear()
        app = ReviewApp(st, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press(*opening)
            await pilot.pause()
            screen = app.screen
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert suspended == [True] and app.screen is screen, opening


async def test_ctrl_z_suspends_only_where_a_shell_could_bring_it_back(store, tmp_path, monkeypatch):
    """Found in stop 47's tmux checks: run as a tmux window's own command (or `ssh host newsreview`),
    ctrl+z stopped the app with no shell to `fg` it: it stayed stopped for good. There it is said."""
    from textual.app import App

    import tui.app.app as app_module

    st, _ex = store
    stopped = []
    monkeypatch.setattr(App, "action_suspend_process", lambda self: stopped.append(True))
    for job in (False, True):
        monkeypatch.setattr(app_module, "is_job", lambda job=job: job)
        app = ReviewApp(st, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("ctrl+z")
            await pilot.pause()
            told = [str(n.title) for n in app._notifications]
            assert app.is_running and ("not suspended" in told) is not job and stopped == ([True] if job else [])


def test_a_signal_says_an_export_started_with_e_is_still_running(tmp_path, monkeypatch, capsys):
    """QA: q and ctrl+c said the export E started was still running; SIGTERM, SIGINT and SIGHUP not."""
    import os
    import signal

    from tui import lifecycle
    from tui.app.screens import exporter

    monkeypatch.setattr(exporter, "still_running", lambda: [tmp_path / "export.json"])
    monkeypatch.setattr(os, "_exit", lambda code: (_ for _ in ()).throw(SystemExit(code)))
    with pytest.raises(SystemExit) as ended:
        lifecycle.interrupted(KeyboardInterrupt(int(signal.SIGTERM)))
    said = capsys.readouterr().err
    assert ended.value.code == 143 and "terminated; every decision made so far is saved" in said
    assert f"the export started with E is still running; it writes {tmp_path / 'export.json'}" in said


def test_a_locale_that_is_not_utf8_gets_question_marks_not_a_crash(tmp_path):
    """QA (LANG=en_US.ISO-8859-1): --help, articles, agreement and status ended with an internal
    UnicodeEncodeError at their first em dash or "Ł"; the review screen drew every box as "\\u256d".
    The commands write "?" for what the locale cannot hold (tables in ASCII); the review screen says
    it needs a UTF-8 locale, in one line."""
    import os
    import subprocess
    import sys

    from support import ROOT

    store = tmp_path / "store"
    with ReviewStore.open(store, write=True, reviewer="Łukasz") as st:
        ex = make_extraction("Łódź — a report from Kraków.", [("Kraków", "GPE")], [], title="Łódź — report")
        st.add_article(ex)
        st.decide(ex.article.id, ex.entities[0]["id"], "accept")
        st.add_article(make_extraction("Talks in Tokyo.", [("Tokyo", "GPE")], [], title="東京で会談 talks"))
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "NEWSREVIEW_STORE": str(store), "COLUMNS": "100"}

    def run(*args: str) -> tuple[int, str, str]:
        proc = subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, env=env, cwd=ROOT)
        return proc.returncode, proc.stdout.decode("latin-1"), proc.stderr.decode("latin-1")

    assert "Show this message and exit" in run("--help")[1]
    for command in (
        ["articles"],
        ["articles", "--format", "tsv"],
        ["status"],
        ["agreement"],
        ["articles", "--format", "json"],
    ):
        code, _out, err = run(*command)
        assert code == 0 and "internal error" not in err, (command, err)
    table = run("articles")[1]
    assert "| " in table and "?ód? ? report" in table and "┃" not in table  # an ASCII box; Ł, ź and — as ?
    assert "????? talks" in table and len({len(line) for line in table.splitlines()[1:]}) == 1  # aligned


def test_the_review_screen_refuses_a_terminal_that_is_not_utf8_and_no_terminal_makes_no_store(tmp_path):
    """In a pseudo-terminal whose locale is ISO-8859-1 the review screen says it needs UTF-8 (one line,
    exit 1, the store untouched); without a terminal and with nothing to add, a first run makes no
    store at the default place (QA: it made an empty one and exited 0)."""
    import os
    import subprocess
    import sys

    from app_support import run_in_pty

    from support import ROOT

    store = tmp_path / "store"
    with ReviewStore.open(store, write=True, reviewer="ana") as st:
        st.add_article(make_extraction("Kyiv held.", [("Kyiv", "GPE")], []))
    before = sorted(p.name for p in store.rglob("*"))
    env = {
        **os.environ,
        "PYTHONIOENCODING": "latin-1",
        "PYTHONPATH": str(ROOT),
        "NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg"),
    }
    out, code = run_in_pty(
        [sys.executable, "-m", "tui", "--store", str(store), "--reviewer", "ana"], env, [], timeout=30
    )
    assert code == 1 and b"the terminal's locale is not UTF-8 (iso8859-1)" in out and b"LANG=C.UTF-8" in out
    assert sorted(p.name for p in store.rglob("*")) == before
    home = tmp_path / "home"
    proc = subprocess.run(
        [sys.executable, "-m", "tui"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k != "NEWSREVIEW_STORE"},
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
        },
        cwd=ROOT,
    )
    assert proc.returncode == 1 and "no store at" in proc.stderr and not home.exists()


async def test_the_selection_modes_keys_fit_the_top_line_at_160_columns(store, tmp_path):
    """QA: after v the top line ended "… s/r/C claim's speaker/cue/content …", cut at 160 columns,
    and the moves (h/l, w/b) were never in it. Each key is named by its shortest form now."""
    from app_support import screen_text, status_line

    st, _ex = store
    app = ReviewApp(st, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("v")
        line = status_line(app)
        assert "b/w move" in line and "H/L select" in line and "(/) sentence" in line and "store 0/6" in line, line
        assert "…" not in line
        for _ in range(40):  # the footer is drawn on the next refresh (on a loaded machine, a while after)
            if "esc back" in screen_text(app).splitlines()[-1]:
                break
            await pilot.pause(0.05)
        assert "esc back" in screen_text(app).splitlines()[-1]  # the way back: the footer's, as the arrows'
