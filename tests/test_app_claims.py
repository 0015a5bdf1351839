"""Editing claims by selection (issue #14): after `v`, the selected text becomes the current claim's
content, speaker or cue; `c` starts a new claim that asks for its speaker and cue in one flow; the
editor's speaker picker lists PERSON and ORG first, each entity's mentions together. Pilot tests and
one in a real terminal (tmux), all asserting on the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from app_support import screen_text, status_line
from app_support import select_text as select
from textual.widgets import Input, Select, Static

from extractors.records import entity_candidate
from tui.app.app import ReviewApp
from tui.app.screens.dialogs import EditDialog
from tui.app.screens.review import ReviewScreen
from tui.app.widgets.article import ArticleView
from tui.store import ReviewStore

from support import make_extraction, tmux_socket_removed, tokens_of

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "Defense Secretary Ben Wallace told MPs on Tuesday that Russia had lost 100,000 troops.\n"
    "Moscow denied it. Wallace added that the Kremlin was hiding its losses, the BBC reported."
)
CLAIM = "Russia had lost 100,000 troops"
CLAIM_END = TEXT.index(CLAIM) + len(CLAIM)


def build(path: Path) -> tuple[ReviewStore, str]:
    ex = make_extraction(
        TEXT,
        [("Ben Wallace", "PERSON"), ("MPs", "ORG"), ("Tuesday", "DATE"), ("Russia", "GPE"), ("Moscow", "GPE")],
        [CLAIM],
    )
    for surface, label in (("Wallace added", "PERSON"), ("the Kremlin", "ORG"), ("BBC", "ORG")):
        s = TEXT.index(surface)  # Wallace: the later, shorter mention of Ben Wallace
        e = s + len(surface.split(" added")[0])
        ex.entities.append(entity_candidate(TEXT, ex.article.id, s, e, label, token_start=0, token_end=1))
    store = ReviewStore.open(path, write=True, reviewer="ana")
    store.add_article(ex)
    return store, ex.article.id


async def speaker_by_selection(pilot: Any, app: ReviewApp, words: str) -> None:
    """From the review screen: the claims list, selection mode, ``words`` selected, given as the
    current claim's speaker (``s``)."""
    await pilot.press("tab", "v")
    await select(pilot, app.screen.query_one(ArticleView), words)
    await pilot.press("s")


@pytest.fixture
def claims(tmp_path):
    store, aid = build(tmp_path / "store")
    yield store, aid
    store.close()


def the_claim(store: ReviewStore, aid: str, text: str = CLAIM) -> dict[str, Any]:
    return next(c for c in store.candidates(aid, "claim") if c["text"] == text)


def given(store: ReviewStore, aid: str, claim_text: str, role: str, words: str) -> dict[str, Any]:
    """The claim ``claim_text`` with ``words`` (their first occurrence) as its ``role``, as stored."""
    text = store.article(aid)["text"]
    start = text.index(words)
    claim = the_claim(store, aid, claim_text)
    return store.decide(aid, claim["id"], "edit", changes={role: {"start": start, "end": start + len(words)}})


async def new_claim_on(pilot: Any, app: ReviewApp, content: str) -> ArticleView:
    """`v`, select ``content``, `c`: the new-claim flow at its speaker step; the article view."""
    await pilot.press("v")
    view = app.screen.query_one(ArticleView)
    await select(pilot, view, content)
    await pilot.press("c")
    return view


async def test_selected_text_becomes_the_current_claim_s_speaker_cue_and_content(claims, tmp_path):
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("tab", "v")
        view = screen.query_one(ArticleView)
        assert "speaker/cue/content" in status_line(app)
        await select(pilot, view, "Defense Secretary Ben Wallace")
        await pilot.press("s")  # any span may speak; it holds one PERSON: linked to it
        speaker = the_claim(store, aid)["speaker"]
        assert speaker["text"] == "Defense Secretary Ben Wallace"
        assert speaker["entity_id"] == next(c["id"] for c in store.candidates(aid) if c["text"] == "Ben Wallace")
        await select(pilot, view, "told")
        await pilot.press("r")
        claim = the_claim(store, aid)
        assert claim["cue"]["text"] == "told" and claim["status"] == "edited"
        await select(pilot, view, "Russia had lost 100,000 troops.")  # the full stop too: content by selection
        await pilot.press("C")
        claim = the_claim(store, aid, "Russia had lost 100,000 troops.")
        assert claim["speaker"]["text"] == "Defense Secretary Ben Wallace" and claim["cue"]["text"] == "told"
        await select(pilot, view, "the BBC")  # no entity is exactly this, one ORG inside it
        await pilot.press("s")
        assert the_claim(store, aid, claim["text"])["speaker"]["name"] == "BBC"
        await pilot.press("escape", "u")  # each was one decision
        assert the_claim(store, aid, claim["text"])["speaker"]["text"] == "Defense Secretary Ben Wallace"


async def test_a_new_claim_asks_for_content_then_speaker_then_cue(claims, tmp_path):
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        view = await new_claim_on(pilot, app, "the Kremlin was hiding its losses")
        assert "NEW CLAIM: SPEAKER" in status_line(app)
        assert len(store.candidates(aid, "claim")) == 1  # nothing saved before the flow ends
        await select(pilot, view, "Wallace")
        await pilot.press("s")
        assert "NEW CLAIM: CUE" in status_line(app)
        await select(pilot, view, "added")
        await pilot.press("r")
        await app.workers.wait_for_complete()  # saved once the pipeline for its fields has loaded
        await pilot.pause()
        new = the_claim(store, aid, "the Kremlin was hiding its losses")
        assert new["status"] == "added" and new["origin"] == "analyst"
        assert new["speaker"]["text"] == "Wallace" and new["cue"]["text"] == "added"
        assert new["quote_type"] == "indirect"
        assert view.cursor is None and screen.current()["id"] == new["id"]
        # no speaker, no cue: enter skips each step
        await pilot.press("v")
        await select(pilot, view, "Moscow denied it")
        await pilot.press("c", "enter", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        bare = the_claim(store, aid, "Moscow denied it")
        assert bare["speaker"] is None and bare["cue"] is None and bare["quote_type"] == "none"
        # escape cancels the flow: nothing is added
        await pilot.press("v")
        await select(pilot, view, "the BBC reported")
        await pilot.press("c", "escape")
        assert len(store.candidates(aid, "claim")) == 3 and screen.claim_flow is None
        assert any("new claim cancelled" in str(n.message) for n in app._notifications)


async def test_an_entity_made_during_the_new_claim_flow_can_be_its_speaker(claims, tmp_path):
    """The speaker is no entity yet: `e` makes it one on the way, and the flow goes on with the
    selection kept, so `s` then links the claim's speaker to the new entity."""
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        view = await new_claim_on(pilot, app, "the Kremlin was hiding its losses")
        await select(pilot, view, "Defense Secretary")
        await pilot.press("e", *"person", "enter")
        made = next(c for c in store.candidates(aid, "entity") if c["text"] == "Defense Secretary")
        assert made["label"] == "PERSON" and made["status"] == "added"
        assert screen.claim_flow is not None and "NEW CLAIM: SPEAKER" in status_line(app)
        assert view.cursor is not None and view.selected_span() == (0, len("Defense Secretary"))
        await pilot.press("s", "enter")  # the kept selection as speaker; no cue
        await app.workers.wait_for_complete()
        await pilot.pause()
        new = the_claim(store, aid, "the Kremlin was hiding its losses")
        assert new["speaker"]["entity_id"] == made["id"] and new["speaker"]["text"] == "Defense Secretary"
        assert new["status"] == "added" and screen.claim_flow is None


async def test_c_again_during_the_new_claim_flow_keeps_the_claim(claims, tmp_path):
    """QA: `c` in the speaker step silently started the claim over with the new selection as its
    content (and the next `s` took the cursor's word). It is refused, saying how to change the content
    (`C`) or cancel; the claim under way keeps its content."""
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        view = await new_claim_on(pilot, app, "the Kremlin was hiding its losses")
        flow = dict(screen.claim_flow or {})
        await select(pilot, view, "Moscow denied it")
        await pilot.press("c")
        await pilot.pause()
        assert screen.claim_flow is not None and screen.claim_flow["start"] == flow["start"]
        assert any("already making a new claim" in str(n.message) for n in app._notifications)
        await select(pilot, view, "Wallace")
        await pilot.press("s", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        new = the_claim(store, aid, "the Kremlin was hiding its losses")
        assert new["speaker"]["text"] == "Wallace" and new["status"] == "added"
        assert not [c for c in store.candidates(aid, "claim") if c["text"] == "Moscow denied it"]


async def test_the_editor_lists_people_and_organisations_first_and_hands_over_to_selection(claims, tmp_path):
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab", "e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        labels = [str(e.get("label")) for e in (dialog.entities)]
        assert "GPE" in labels  # places are offered too, after
        options = [(prompt.plain, value) for prompt, value in dialog.speaker_options()]
        kinds = [next(e["label"] for e in dialog.entities if e["id"] == v) for _, v in options]
        assert kinds[:5] == ["PERSON", "PERSON", "ORG", "ORG", "ORG"]
        assert options[0][0].startswith("Ben Wallace")  # the entity's name, its mentions under it
        assert options[1][0].startswith("  “Wallace” [")
        await pilot.press("ctrl+t")  # from the editor to the article, to set fields by selection
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.query_one(ArticleView).cursor is not None
        await select(pilot, screen.query_one(ArticleView), "MPs")
        await pilot.press("s")
        assert the_claim(store, aid)["speaker"]["entity_id"] == next(
            c["id"] for c in store.candidates(aid) if c["text"] == "MPs"
        )


async def test_leaving_the_editor_for_selection_keeps_what_was_changed(claims, tmp_path):
    """ctrl+t from the editor saves the editor's changes first (it used to drop them silently), and
    stays in the editor, naming the problem, when they cannot be saved."""
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        dialog.query_one("#start", Input).value = "x"
        await pilot.press("ctrl+t")
        assert app.screen is dialog and "whole numbers" in str(dialog.query_one("#edit-error", Static).render())
        dialog.query_one("#start", Input).value = str(the_claim(store, aid)["start"])
        await pilot.pause()
        assert not str(dialog.query_one("#edit-error", Static).render())  # the stale error goes
        dialog.query_one("#quote_type", Select).value = "direct"
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, ReviewScreen)
        assert the_claim(store, aid)["quote_type"] == "direct"
        await select(pilot, app.screen.query_one(ArticleView), "MPs")
        await pilot.press("s")
        claim = the_claim(store, aid)
        assert claim["quote_type"] == "direct" and claim["speaker"]["text"] == "MPs"


TMUX = shutil.which("tmux")


@pytest.mark.slow
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the real-terminal test cannot run here")
def test_speaker_and_cue_by_selection_in_a_real_terminal(tmp_path):
    store, aid = build(tmp_path / "store")
    store.close()
    socket = f"nr-claims-{os.getpid()}"
    assert TMUX is not None

    def tmux(*args: str) -> str:
        return subprocess.run([TMUX, "-L", socket, *args], capture_output=True, text=True, check=False).stdout

    def wait_for(text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", "nr")
            if text in screen:
                return screen
            time.sleep(0.2)
        size = tmux("display", "-p", "-t", "nr", "#{window_width}x#{window_height}")
        raise AssertionError(f"{text!r} never appeared ({size.strip()}):\n{screen}")

    def keys(*ks: str) -> None:
        for k in ks:
            tmux("send-keys", "-t", "nr", k)
            time.sleep(0.25)

    env = f"NEWSREVIEW_STORE={tmp_path / 'store'} NEWSREVIEW_CONFIG_DIR={tmp_path / 'cfg'}"
    command = f"cd {ROOT} && env {env} {sys.executable} -m tui --reviewer ana; echo NEWSREVIEW-EXITED $?; sleep 30"
    tmux("new-session", "-d", "-s", "nr", "-x", "160", "-y", "48", command)
    try:
        wait_for("decided here")
        keys("Tab", "v")
        wait_for("SELECT (tokens)")
        keys("C-f")
        wait_for("FIND")
        keys(*"Ben Wallace", "Enter")  # find selects the match, back in cursor mode
        wait_for("SELECT (tokens)")
        keys("s")
        wait_for("speaker: Ben Wallace")
        keys("C-f")
        wait_for("FIND")
        keys("C-u", *"told", "Enter")
        wait_for("SELECT (tokens)")
        keys("r")
        wait_for("cue: told")
        keys("Escape", "q")
        wait_for("NEWSREVIEW-EXITED 0")
    finally:
        tmux("kill-server")
        tmux_socket_removed(socket)
    with ReviewStore.open(tmp_path / "store") as st:
        claim = the_claim(st, aid)
        assert claim["speaker"]["text"] == "Ben Wallace" and claim["speaker"]["name"] == "Ben Wallace"
        assert claim["speaker"]["entity_id"] == next(c["id"] for c in st.candidates(aid) if c["text"] == "Ben Wallace")
        assert claim["cue"]["text"] == "told" and claim["status"] == "edited" and claim["reviewer"] == "ana"


async def edit_cue(app: ReviewApp, pilot: Any, cue: str) -> EditDialog:
    """Open the editor on the first claim, type ``cue`` (start:end) and save; the dialog."""
    await pilot.press("tab", "e")
    dialog = app.screen
    assert isinstance(dialog, EditDialog)
    dialog.query_one("#cue", Input).value = cue
    await pilot.press("ctrl+s")
    return dialog


async def test_the_editor_refuses_offsets_typed_inside_a_character(tmp_path):
    """QA typed a cue of an accent alone (its own code point after the e): the editor names the
    character and the offsets either side of it, and nothing is saved."""
    text = "Ele\u0301onore Martin said prices rose 5 percent in Lyon."
    store = ReviewStore.open(tmp_path / "s", write=True)
    _, aid = store.add_article(make_extraction(text, [("Lyon", "GPE")], ["prices rose 5 percent"]))
    claim = store.candidates(aid, "claim")[0]
    accent = text.index("\u0301")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await edit_cue(app, pilot, f"{accent}:{accent + 1}")
        shown = str(dialog.query_one("#edit-error", Static).render())
        assert app.screen is dialog and f"cue start {accent} is inside the character" in shown
        assert f"use {accent - 1} or {accent + 1}" in shown
        dialog.query_one("#cue", Input).value = f"{text.index('said')}:{text.index('said') + 4}"
        await pilot.press("ctrl+s")
        assert app.screen is not dialog
    assert store.candidate(aid, claim["id"])["cue"]["text"] == "said"
    store.close()


async def test_the_editor_leaves_an_untouched_cue_end_alone(tmp_path):
    """Only the offsets the analyst changed are checked: a cue whose end the extractor put inside a
    character (spaCy splits clusters into tokens) may still have its start moved."""
    text = "Officials sai\u0301d prices rose 5 percent in Lyon."
    store = ReviewStore.open(tmp_path / "s", write=True)
    ex = make_extraction(text, [("Lyon", "GPE")], ["prices rose 5 percent"])
    cue_end = text.index("\u0301")  # inside "í": as a tokenizer might cut it
    ex.claims[0]["cue"] = {"start": text.index("sai"), "end": cue_end, "text": text[text.index("sai") : cue_end]}
    _, aid = store.add_article(ex)
    claim = store.candidates(aid, "claim")[0]
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await edit_cue(app, pilot, f"{text.index('ai')}:{cue_end}")
        assert app.screen is not dialog, str(dialog.query_one("#edit-error", Static).render())
    assert store.candidate(aid, claim["id"])["cue"]["start"] == text.index("ai")
    store.close()


async def test_at_80x24_the_editor_scrolls_its_error_into_view(tmp_path):
    """The editor scrolls at 80x24; the line saying why a save was refused sat below its bottom edge
    (found in tmux: the save looked as if nothing happened)."""
    text = "Ele\u0301onore Martin said prices rose 5 percent in Lyon."
    store = ReviewStore.open(tmp_path / "s", write=True)
    store.add_article(make_extraction(text, [("Lyon", "GPE")], ["prices rose 5 percent"]))
    accent = text.index("\u0301")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_cue(app, pilot, f"{accent}:{accent + 1}")
        await pilot.pause()
        assert "is inside the character" in screen_text(app)
        assert "Save (ctrl+s)" in screen_text(app)  # the error above the buttons, both in view
    store.close()


async def test_at_80x24_the_editor_keeps_its_buttons_in_view(claims, tmp_path):
    """QA: at 80x24 a claim's fields fill the editor and Save / Cancel sat below its bottom edge,
    while the footer beneath listed the review screen's keys (a, x…), not the editor's."""
    store, _ = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "e")
        assert isinstance(app.screen, EditDialog)
        await pilot.pause()
        shown = screen_text(app)
        assert "Save (ctrl+s)" in shown and "Cancel (esc)" in shown
        assert "speaker" in shown  # the fields above them


async def test_a_slip_in_the_new_claim_flow_is_refused_at_its_step_and_the_claim_kept(claims, tmp_path):
    """QA: `s` on the content just set, or `r` on the speaker's span, was refused only when the claim
    was saved — content and speaker lost, the status line still asking for the cue, and the next `r`
    edited whichever claim was current. Each slip is now refused at its step and the claim goes on;
    `e` on a span that is an entity already says the speaker key takes it."""
    store, aid = claims
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        before = {c["id"]: c for c in store.candidates(aid, "claim")}
        view = await new_claim_on(pilot, app, "the Kremlin was hiding its losses")
        await select(pilot, view, "the Kremlin was hiding its losses")
        await pilot.press("s")  # the content's own span
        await pilot.pause()
        assert "that is the claim's content" in status_line(app)
        assert screen.claim_flow is not None and screen.claim_flow["step"] == "speaker"
        await select(pilot, view, "Ben Wallace")
        await pilot.press("e")  # an entity already: the speaker key is what is wanted
        await pilot.pause()
        assert "an entity already" in status_line(app)
        assert isinstance(app.screen, ReviewScreen) and screen.claim_flow["step"] == "speaker"
        await pilot.press("s")
        assert screen.claim_flow["step"] == "cue"
        await select(pilot, view, "Wallace")  # inside the speaker "Ben Wallace"
        await pilot.press("r")
        await pilot.pause()
        assert "overlaps the speaker" in status_line(app) and screen.claim_flow["step"] == "cue"
        await select(pilot, view, "told")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        new = the_claim(store, aid, "the Kremlin was hiding its losses")
        assert new["speaker"]["text"] == "Ben Wallace" and new["cue"]["text"] == "told"
        assert screen.claim_flow is None and "NEW CLAIM" not in status_line(app)
        after = {c["id"]: c for c in store.candidates(aid, "claim") if c["id"] != new["id"]}
        assert after == before  # no other claim was touched


async def test_a_speaker_picked_by_its_possessive_mention_is_named_without_it(tmp_path):
    """QA: a speaker chosen in the app from "Hillary Clinton’s" was named "Hillary Clinton’s" (the
    extractor's own claims drop the possessive)."""
    text = "Hillary Clinton’s campaign said on Monday that the plan was sound.\nClinton spoke later."
    ex = make_extraction(text, [("Hillary Clinton’s", "PERSON"), ("Clinton", "PERSON")], ["the plan was sound"])
    store = ReviewStore.open(tmp_path / "store", write=True, reviewer="ana")
    store.add_article(ex)
    aid = ex.article.id
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await speaker_by_selection(pilot, app, "Hillary Clinton’s")
        speaker = the_claim(store, aid, "the plan was sound")["speaker"]
        assert speaker["text"] == "Hillary Clinton’s" and speaker["name"] == "Hillary Clinton"
    store.close()


async def test_a_speaker_linked_to_a_rejected_entity_says_the_export_unlinks_it(claims, tmp_path):
    """QA: after the speaker's entity was rejected, the panel still read "→ its entity" while the
    export wrote ``entity_id: null``; the panel says so now."""
    store, aid = claims
    ben = next(c for c in store.candidates(aid, "entity") if c["text"] == "Ben Wallace")
    claim = the_claim(store, aid)
    start = TEXT.index("Ben Wallace")
    store.decide(
        aid, claim["id"], "edit", changes={"speaker": {"start": start, "end": start + 11, "entity_id": ben["id"]}}
    )
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab")
        assert "→ its entity" in screen_text(app) and "its entity is rejected" not in screen_text(app)
        await pilot.press("tab")  # the entities: Ben Wallace first
        assert app.screen.current()["text"] == "Ben Wallace"
        await pilot.press("x", "tab")
        await pilot.pause()
        assert store.candidate(aid, ben["id"])["status"] == "rejected"
        assert "(its entity is rejected: unlinked in the export)" in screen_text(app)
        # QA (stop 50): undone, then relabelled to what cannot speak — the link stayed in the export
        await pilot.press("u")
        await pilot.pause()
        store.decide(aid, ben["id"], "edit", changes={"label": "DATE"})
        app.screen.apply_states([store.candidate(aid, ben["id"])])
        await pilot.press("tab")
        await pilot.pause()
        assert "(its entity is now DATE: unlinked in the export)" in screen_text(app)
    from tui.export import store_articles

    (record,) = [r for r in store_articles(store, include=("accepted", "edited", "added", "pending")) if r["id"] == aid]
    (exported,) = [c for c in record["claims"] if c["id"] == claim["id"]]
    assert exported["speaker"]["entity_id"] is None


async def test_keys_while_a_claim_edit_waits_for_the_pipeline_wait_for_it_in_order(claims, tmp_path, monkeypatch):
    """QA (keys at 80x24): a claim's moved end waits for the pipeline to compute its fields; `u`
    pressed meanwhile undid the decision before (an entity accept) and the edit was saved after it,
    and an `x` went in first and was then overridden by the edit. Then (stop 45) keys that write were
    refused meanwhile ("press the key again"). Now the keys typed behind the edit wait for it and act
    after it, in order: `u` takes back the edit, `x` rejects the claim."""
    import threading

    import tui.ingest

    store, aid = claims
    release = threading.Event()

    def slow_load(model):
        release.wait(10)
        raise RuntimeError("no model in this test")  # the edit is then saved without its fields

    monkeypatch.setattr(tui.ingest, "load_extractor", slow_load)
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        first = screen.current()
        await pilot.press("a")
        assert store.candidate(aid, first["id"])["status"] == "accepted"
        await pilot.press("tab", "comma", "enter")  # the claim's end a token left, saved: it waits
        await pilot.pause()
        claim_id = screen.current()["id"]
        assert screen.busy and store.candidate(aid, claim_id)["status"] == "pending"
        await pilot.press("u", "x", "j")
        await pilot.pause()
        assert store.candidate(aid, first["id"])["status"] == "accepted"  # u did not take it back
        assert store.candidate(aid, claim_id)["status"] == "pending"  # nothing acted before the edit
        assert screen.current()["id"] == claim_id  # nor moved
        assert not any("still being saved" in str(n.message) for n in app._notifications)
        release.set()
        await app.workers.wait_for_complete()
        for _ in range(5):
            await pilot.pause()
        assert not screen.busy
        # the edit was saved, then u took it back, then x rejected the claim as it stood
        saved = store.candidate(aid, claim_id)
        assert saved["status"] == "rejected" and saved["end"] == CLAIM_END
        history = [r["action"] for r in store.history(aid, claim_id)]
        assert history[-1] == "reject"
        assert store.candidate(aid, first["id"])["status"] == "accepted"
        assert app.keys_in_order.gave_up == 0


PRONOUN_TEXT = (
    "Hillary Clinton spoke first. Chris Christie disagreed with her at length in Iowa.\n"
    "She said the plan was sound. Police officials said a second device was found."
)


def pronoun_store(path: Path) -> tuple[ReviewStore, str]:
    ex = make_extraction(
        PRONOUN_TEXT,
        [("Hillary Clinton", "PERSON"), ("Chris Christie", "PERSON"), ("Iowa", "GPE")],
        ["the plan was sound", "a second device was found"],
    )
    store = ReviewStore.open(path, write=True, reviewer="ana")
    store.add_article(ex)
    return store, ex.article.id


async def test_a_pronoun_speaker_asks_whom_it_refers_to(tmp_path):
    """QA (stop 46, a fact-checker on real articles): the speaker "she" could be set by selection
    but linked to nobody — the machine's wrong link (Christie) was dropped with nothing in its place.
    A pronoun chosen as the speaker now asks whom it refers to, the names mentioned nearest before it
    first, typed to find; Escape keeps the pronoun alone."""
    from tui.app.screens.dialogs import SpeakerPicker

    store, aid = pronoun_store(tmp_path / "store")
    clinton = next(c for c in store.candidates(aid, "entity") if c["text"] == "Hillary Clinton")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab")
        assert app.screen.current()["text"] == "the plan was sound"
        await pilot.press("v")
        view = app.screen.query_one(ArticleView)
        await select(pilot, view, "She")
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, SpeakerPicker)
        # nearest before "She" first, people first for "she" (Iowa is nearer)
        assert picker.shown == ["Chris Christie", "Hillary Clinton", "Iowa"]
        assert "Who is She? the speaker" in screen_text(app)
        await pilot.press(*"hill", "enter")
        await pilot.pause()
        speaker = the_claim(store, aid, "the plan was sound")["speaker"]
        assert speaker["text"] == "She" and PRONOUN_TEXT[speaker["start"] : speaker["end"]] == "She"
        assert (speaker["entity_id"], speaker["name"]) == (clinton["id"], "Hillary Clinton")
        assert "→ Hillary Clinton" in screen_text(app)
        # Escape: the pronoun alone, linked to no one (still selecting: the selection was cleared)
        assert view.cursor is not None
        await select(pilot, view, "She")
        await pilot.press("s")
        assert isinstance(app.screen, SpeakerPicker)
        # whom the speaker is linked to now comes first (QA, stop 50: the extractor's pick was 4th)
        assert app.screen.shown == ["Hillary Clinton", "Chris Christie", "Iowa"]
        await pilot.press("escape")
        await pilot.pause()
        speaker = the_claim(store, aid, "the plan was sound")["speaker"]
        assert speaker["text"] == "She" and not speaker.get("entity_id")
        assert speaker["name"] == "She"  # named by its words, as the extraction names one (QA: null)
        # in the new claim's flow too
        await pilot.pause(0.3)  # (an Escape right after the one that closed a dialog goes nowhere)
        await pilot.press("escape")  # out of selection mode: new_claim_on enters it
        assert view.cursor is None
        await new_claim_on(pilot, app, "Chris Christie disagreed with her at length in Iowa")
        await select(pilot, view, "She")
        await pilot.press("s")
        assert isinstance(app.screen, SpeakerPicker)
        await pilot.press("2", "enter")  # Hillary Clinton; then no cue
        await app.workers.wait_for_complete()
        await pilot.pause()
        new = the_claim(store, aid, "Chris Christie disagreed with her at length in Iowa")
        assert (new["speaker"]["text"], new["speaker"]["entity_id"]) == ("She", clinton["id"])
    store.close()


async def test_an_entity_made_of_the_claim_s_unlinked_speaker_links_it(tmp_path):
    """QA (stop 46): with a claim current whose speaker "Police officials" was no entity, `v`,
    selecting it and `e` added the entity, but the list jumped to the entities and the speaker stayed
    unlinked (7 more keys to link it). The speaker is linked to the new entity, the claim stays
    current, and `u` takes the link back, then the entity."""
    store, aid = pronoun_store(tmp_path / "store")
    claim = given(store, aid, "a second device was found", "speaker", "Police officials")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab", "j")
        screen = app.screen
        assert screen.current()["id"] == claim["id"]
        await pilot.press("v")
        view = screen.query_one(ArticleView)
        await select(pilot, view, "Police officials")
        await pilot.press("e", *"ORG", "enter")
        await pilot.pause()
        entity = next(c for c in store.candidates(aid, "entity") if c["text"] == "Police officials")
        assert entity["status"] == "added" and entity["label"] == "ORG"
        speaker = the_claim(store, aid, "a second device was found")["speaker"]
        assert speaker["entity_id"] == entity["id"] and speaker["text"] == "Police officials"
        assert screen.current()["id"] == claim["id"] and view.cursor is None
        assert any("linked as the claim's speaker" in str(n.message) for n in app._notifications)
        await pilot.press("u")
        assert not the_claim(store, aid, "a second device was found")["speaker"].get("entity_id")
        await pilot.press("u")
        assert not any(c["text"] == "Police officials" for c in store.candidates(aid, "entity"))
    store.close()


async def test_a_speaker_or_cue_inside_the_claim_s_content_is_refused(claims, tmp_path):
    """QA (stop 46): `v` then `r` with nothing selected took the token under the cursor — "that",
    the content's own first word — as the cue, and the editor took a cue inside the content. The
    words about a statement are outside it: refused by the store (naming the field), and at the new
    claim's step, the claim kept."""
    from tui.store.errors import DecisionError

    store, aid = claims
    claim = the_claim(store, aid)
    start = TEXT.index("Russia")
    with pytest.raises(DecisionError, match=r"field 'cue': .*'Russia'.* overlaps the claim's content"):
        store.decide(aid, claim["id"], "edit", changes={"cue": {"start": start, "end": start + 6}})
    assert the_claim(store, aid)["status"] == "pending"
    # a content moved over the cue it keeps (QA re-test: `C` over "The woman disputes …" was taken)
    given(store, aid, CLAIM, "cue", "told")
    with pytest.raises(DecisionError, match=r"the content .* takes in the claim's cue .*'told'"):
        store.decide(aid, claim["id"], "edit", changes={"start": TEXT.index("told")})
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab", "v")
        view = app.screen.query_one(ArticleView)
        await select(pilot, view, "Russia")  # inside the current claim's content: said before anything
        await pilot.press("s")
        await pilot.pause()
        assert any("overlaps the claim's content" in str(n.message) for n in app._notifications)
        assert the_claim(store, aid)["speaker"] is None and view.cursor is not None
        await pilot.press("escape")
        view = await new_claim_on(pilot, app, "the Kremlin was hiding its losses")
        await select(pilot, view, "Kremlin")
        await pilot.press("s")
        await pilot.pause()
        assert "overlaps the claim's content" in status_line(app)
        assert app.screen.claim_flow["step"] == "speaker"


async def test_the_editor_shows_the_cue_s_words(claims, tmp_path):
    """QA (stop 46): the claim editor showed the cue only as offsets ("1186:1191"), never its words."""
    store, aid = claims
    given(store, aid, CLAIM, "cue", "told")
    app = ReviewApp(store, config=tmp_path / "cfg")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("tab", "e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        preview = str(dialog.query_one("#edit-preview", Static).render())
        assert "cue: told" in preview
        dialog.query_one("#cue", Input).value = ""
        await pilot.pause()
        assert "cue: (none)" in str(dialog.query_one("#edit-preview", Static).render())


def test_a_quote_its_cue_interrupts_can_still_be_trimmed(tmp_path):
    """QA (stop 50): the extractor keeps a quote its cue interrupts as one content with the speaker
    and cue inside (“…,” said King. “…”); trimming it to its first part was refused — "the content
    takes in the claim's cue: move or clear it first" — though the content held them already. A cue
    or speaker the content held before its move is left as it is; one given inside it is refused."""
    from extractors.pipeline import Extraction
    from extractors.records import Article, claim_candidate, span
    from tui.store.errors import DecisionError

    text = "“People say it is over,” said Charlie King, a Democrat. “The question is turnout.”\n"
    art = Article(text=text, title="t")
    king, said = text.index("Charlie King"), text.index("said")
    claim = claim_candidate(
        text,
        art.id,
        0,
        len(text) - 1,
        speaker={**span(text, king, king + 12), "resolved": None},
        cue=span(text, said, said + 4),
        quote_type="direct",
        checkworthiness=0.6,
        numbers=[],
        model="test",
    )
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ana") as store:
        store.add_article(Extraction(art, [], [claim], tokens_of(text)))
        end = text.index("turnout") + 7  # the cue and the speaker still inside
        state = store.decide(art.id, claim["id"], "edit", changes={"end": end})
        assert (state["start"], state["end"]) == (0, end) and state["text"] == text[0:end]
        assert state["cue"]["text"] == "said" and state["speaker"]["text"] == "Charlie King"
        with pytest.raises(DecisionError, match=r"takes in the claim's"):  # nothing but its cue and speaker
            store.decide(art.id, claim["id"], "edit", changes={"start": said, "end": king + 12})
        first = text.index("”") + 1  # its first part: the cue and the speaker now outside
        assert store.decide(art.id, claim["id"], "edit", changes={"end": first})["text"] == text[0:first]
        with pytest.raises(DecisionError, match=r"field 'cue': .* overlaps the claim's content"):
            store.decide(art.id, claim["id"], "edit", changes={"cue": span(text, 1, 7)})  # "People"


async def test_a_content_the_editor_moves_is_quoted_as_its_new_words_are(tmp_path):
    """QA (stop 50): the editor moved an indirect claim's end over the next paragraph's quote and
    saved it "indirect" — `C` worked the quote type out, the editor sent the old one back. The store
    works out a moved content's quote type unless one is chosen; `apply` alike."""
    text = "Wallace said that Iran must pay.\n“We must hold them to account,” he added.\n"
    ex = make_extraction(text, [("Wallace", "PERSON")], ["that Iran must pay"])
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ana") as store:
        store.add_article(ex)
        aid = ex.article.id
        cid = store.candidates(aid, "claim")[0]["id"]
        store.decide(aid, cid, "edit", changes={"cue": {"start": 8, "end": 12}, "quote_type": "indirect"})
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("tab", "e")
            dialog = app.screen
            assert isinstance(dialog, EditDialog)
            dialog.query_one("#end", Input).value = str(text.index("”") + 1)
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
        claim = store.candidate(aid, cid)
        assert claim["text"] == text[text.index("that") : text.index("”") + 1] and claim["quote_type"] == "mixed"
        # one chosen stands
        state = store.decide(aid, cid, "edit", changes={"end": text.index("pay") + 3, "quote_type": "direct"})
        assert state["quote_type"] == "direct"
        state = store.decide(aid, cid, "edit", changes={"end": text.index("”") + 1})
        assert state["quote_type"] == "mixed"


async def test_a_relative_pronoun_speaker_asks_whom_it_stands_for(tmp_path):
    """QA (stop 50): "who" given as a new claim's speaker was left linked to no one, without the
    question "she" and "they" get. A relative pronoun asks too."""
    from tui.app.screens.dialogs import SpeakerPicker

    text = "Senator Elizabeth Warren, who said the plan was sound, left early.\n"
    ex = make_extraction(text, [("Elizabeth Warren", "PERSON")], ["the plan was sound"])
    with ReviewStore.open(tmp_path / "s", write=True, reviewer="ana") as store:
        store.add_article(ex)
        aid = ex.article.id
        warren = store.candidates(aid, "entity")[0]
        app = ReviewApp(store, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await speaker_by_selection(pilot, app, "who")
            assert isinstance(app.screen, SpeakerPicker) and app.screen.shown == ["Elizabeth Warren"]
            await pilot.press("enter")
            await pilot.pause()
        speaker = store.candidates(aid, "claim")[0]["speaker"]
        assert (speaker["text"], speaker["entity_id"], speaker["name"]) == ("who", warren["id"], "Elizabeth Warren")
