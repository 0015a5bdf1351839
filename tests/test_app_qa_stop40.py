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
    claim = st.decide(aid, cid["Iran and Ukraine met in Paris on Monday"], "edit", changes={"speaker": speaker})
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
