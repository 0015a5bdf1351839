"""Re-extraction (``newsreview reextract``): a newer model's candidates replace the machine's pending ones,
every decision stays, every process sees the same candidates, on both engines."""

from __future__ import annotations

import json

import pytest

from extractors.pipeline import Extraction
from tui.store import ReviewStore

from support import make_extraction

pytestmark = pytest.mark.engines

TEXT = "Ben Wallace met Olaf Scholz in Berlin. Wallace said Russia lost 100,000 troops."


def _extraction(entities: list[tuple[str, str]], claims: list[str] = ()) -> Extraction:
    return make_extraction(TEXT, entities, list(claims), title="t")


def test_decisions_stay_pending_candidates_follow_the_new_model(store_path):
    first = _extraction([("Ben Wallace", "PERSON"), ("Olaf Scholz", "ORG"), ("Berlin", "GPE"), ("Russia", "GPE")])
    with ReviewStore.open(store_path, write=True, reviewer="ann") as st:
        _, aid = st.add_article(first)
        ids = {c["text"]: c["id"] for c in st.candidates(aid, "entity", plain=True)}
        st.decide(aid, ids["Ben Wallace"], "accept")
        st.decide(aid, ids["Olaf Scholz"], "edit", changes={"label": "PERSON"})
    # the new model: Scholz now PERSON (a new id), Berlin gone, Russia the same, a number new
    second = _extraction(
        [("Ben Wallace", "PERSON"), ("Olaf Scholz", "PERSON"), ("Russia", "GPE"), ("100,000", "CARDINAL")]
    )
    with ReviewStore.open(store_path, write=True, reviewer="lead") as st:
        counts = st.reextract(second)
    assert counts == {"kept": 2, "new": 2, "dropped": 1}
    # decided candidates keep their decisions and ids; the new model's same span keeps its id
    with ReviewStore.open(store_path, mode="read") as st:
        by_id = {c["id"]: c for c in st.candidates(aid, "entity", plain=True, view="ann")}
        assert by_id[ids["Ben Wallace"]]["status"] == "accepted"
        assert by_id[ids["Olaf Scholz"]]["status"] == "edited"
        assert by_id[ids["Russia"]]["status"] == "pending"  # same span and label: same candidate
        assert ids["Berlin"] not in by_id  # pending, and the new model no longer finds it
        for cand in by_id.values():
            assert cand["text"] == TEXT[cand["start"] : cand["end"]]
        assert (
            st.article_info(aid)["counts"]["entity"] == 5
        )  # Wallace, Scholz (ann's edit), Scholz (new), Russia, 100,000
        assert st.progress(aid)[1] == 5


def test_every_process_and_the_next_open_see_the_new_candidates(store_path):
    with ReviewStore.open(store_path, write=True, reviewer="ann") as st:
        _, aid = st.add_article(_extraction([("Ben Wallace", "PERSON"), ("Berlin", "GPE")]))
        ids = {c["text"]: c["id"] for c in st.candidates(aid, "entity", plain=True)}
        st.decide(aid, ids["Ben Wallace"], "accept")
        before = st.progress(aid)
    assert before == (1, 2)
    with ReviewStore.open(store_path, write=True, reviewer="bob") as watcher:
        assert len(watcher.candidates(aid, "entity", plain=True)) == 2
        with ReviewStore.open(store_path, write=True, reviewer="lead") as st:
            st.reextract(_extraction([("Ben Wallace", "PERSON"), ("Russia", "GPE"), ("Olaf Scholz", "PERSON")]))
        watcher.refresh()
        assert {c["text"] for c in watcher.candidates(aid, "entity", plain=True)} == {
            "Ben Wallace",
            "Russia",
            "Olaf Scholz",
        }
        assert watcher.progress(aid)[1] == 3
    # the cached summary of the old extraction is not reused
    with ReviewStore.open(store_path, write=True, reviewer="ann") as st:
        assert st.progress(aid) == (1, 3)


def test_a_text_the_store_does_not_hold_is_refused(store_path):
    with ReviewStore.open(store_path, write=True, reviewer="ann") as st:
        st.add_article(_extraction([("Berlin", "GPE")]))
        other = make_extraction("Another text entirely, about Paris.", [("Paris", "GPE")])
        from tui.store import DecisionError

        with pytest.raises(DecisionError, match="not in the store"):
            st.reextract(other)


@pytest.mark.slow
@pytest.mark.folder_only
def test_reextract_command_keeps_decisions(tmp_path, cli):
    article = tmp_path / "a.txt"
    article.write_text("Ben Wallace met Olaf Scholz in Berlin on Monday.\n", encoding="utf-8")
    cli("add", str(article))
    exported = json.loads(cli("export", "--include", "all").stdout)
    (art,) = exported["articles"]
    first = art["entities"][0]
    cli(
        "apply",
        "-",
        "--reviewer",
        "ann",
        input=json.dumps({"article": art["id"], "candidate": first["id"], "action": "reject"}) + "\n",
    )
    out = cli("reextract")
    assert "re-extracted 1 article(s)" in out.stderr
    again = json.loads(cli("export", "--reviewer", "ann", "--include", "all").stdout)["articles"][0]
    assert any(e["id"] == first["id"] and e["status"] == "rejected" for e in again["entities"])
    bad = cli("reextract", "no-such-article", check=2)
    assert "no-such-article" in bad.stderr and "Traceback" not in bad.stderr
