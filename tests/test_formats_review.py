"""The Prodigy and spaCy exports keep offsets exactly, keep overlapping entities, and never write a
rejected, disputed or pending entity as a positive annotation."""

from __future__ import annotations

import json
import random
from itertools import pairwise
from unittest import mock

import pytest

from tui.formats import _pieces, docbin_bytes, prodigy_tasks
from tui.store import ReviewStore

from support import make_extraction, tokens_of

TEXT = "Zoë met 東京 officials 😀 in Zürich.\nThe  UK condemned Moscow on Tuesday."


def at(surface: str, inner: str | None = None) -> tuple[int, int]:
    """Offsets of ``surface`` in TEXT, or of ``inner`` inside that occurrence of ``surface``."""
    s = TEXT.index(surface)
    if inner is None:
        return s, s + len(surface)
    s += surface.index(inner)
    return s, s + len(inner)


#: what the analyst adds: mid-word, non-ASCII, on a token's trailing space, overlapping others
ADDED = [
    (*at("Zoë", "oë"), "ORG"),  # inside the word "Zoë"
    (*at("東京", "京"), "GPE"),  # inside a CJK token
    (*at("Zürich", "ürich"), "LOC"),  # starts after a non-ASCII letter, ends before "."
    (*at("Zoë met"), "MISC"),  # overlaps "Zoë" and "oë"
    (*at("met 東京", " 東京"), "GPE"),  # starts on the single space after "met"
    (*at("Zoë met", "Zoë "), "PERSON"),  # ends after that space
    (*at("officials 😀"), "NORP"),  # ends after an astral-plane character (one str index)
]


def reviewed_store(store_path):
    ex = make_extraction(
        TEXT,
        [("Zoë", "PERSON"), ("東京", "GPE"), ("Zürich", "GPE"), ("UK", "GPE"), ("Moscow", "GPE"), ("Tuesday", "DATE")],
        ["The  UK condemned Moscow on Tuesday"],
    )
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(ex)
        aid = ex.article.id
        ids = {c["text"]: c["id"] for c in st.candidates(aid, "entity")}
        for surface in ("Zoë", "東京", "Zürich", "UK"):
            st.decide(aid, ids[surface], "accept")
        st.decide(aid, ids["Moscow"], "reject")
        st.decide(aid, ids["Tuesday"], "accept")
        # the spans on a space were saved before the store refused them (stop 32): exports still meet
        # them in stores written earlier, so they are written here as an earlier release did
        with mock.patch("tui.store.validation.entity_edges"):
            for start, end, label in ADDED:
                st.add_candidate(aid, {"kind": "entity", "start": start, "end": end, "label": label})
        st.decide(aid, ex.claims[0]["id"], "accept")
    with ReviewStore.open(store_path, write=True, reviewer="bob") as st:
        st.decide(aid, ids["Tuesday"], "reject")  # ana accepted it: disputed in the final view
    return ex


@pytest.fixture
def store(store_path):
    return reviewed_store(store_path)


def read_docbin(path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_bytes(path.read_bytes()).get_docs(spacy.blank("xx").vocab)
    return doc


def offsets(spans) -> list[tuple[int, int, str]]:
    return [(s.start_char, s.end_char, s.label_) for s in spans]


def stored(entities, *statuses: str) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["label"]) for e in entities if e["status"] in statuses]


def test_spacy_keeps_every_offset_mid_word_and_non_ascii(store, cli, tmp_path):
    out = tmp_path / "out.spacy"
    cli("export", "--reviewer", "ana", "--format", "spacy", "-o", str(out))
    (art,) = cli.json("export", "--reviewer", "ana")["articles"]
    doc = read_docbin(out)
    assert doc.text == TEXT == art["text"]
    reviewed = stored(art["entities"], "accepted", "edited", "added")
    assert sorted(offsets(doc.spans["newsreview"])) == sorted(reviewed)
    for start, end, label in ADDED:
        assert (start, end, label) in reviewed
    for span in [*doc.spans["newsreview"], *doc.ents]:
        assert span.text == TEXT[span.start_char : span.end_char]
    assert set(offsets(doc.ents)) <= set(reviewed)
    # the claims keep theirs too
    (claim,) = art["claims"]
    assert offsets(doc.spans["claims"]) == [(claim["start"], claim["end"], "none")]
    # the ids and statuses ride along, parallel to the span group
    details = doc.user_data["newsreview_entities"]["newsreview"]
    by_id = {e["id"]: (e["start"], e["end"], e["label"]) for e in art["entities"]}
    assert [by_id[d["id"]] for d in details] == offsets(doc.spans["newsreview"])


def test_spacy_keeps_overlapping_entities_in_a_span_group(store, cli, tmp_path):
    spacy = pytest.importorskip("spacy")
    out = tmp_path / "out.spacy"
    cli("export", "--reviewer", "ana", "--format", "spacy", "-o", str(out))
    doc = read_docbin(out)
    every = offsets(doc.spans["newsreview"])
    ents = offsets(doc.ents)
    assert len(every) == len(set(every)) == 4 + 1 + len(ADDED)  # ana's accepts (Tuesday too) and adds
    # doc.ents: what filter_spans keeps (longest first), no overlaps
    assert ents == offsets(spacy.util.filter_spans(list(doc.spans["newsreview"])))
    assert all(a[1] <= b[0] for a, b in pairwise(ents))
    assert (*at("Zoë met"), "MISC") in ents and (*at("Zoë"), "PERSON") not in ents
    # and how many were left out is said, in one line
    (art,) = cli.json("export", "--reviewer", "ana")["articles"]
    notes: list[str] = []
    docbin_bytes([art], {art["id"]: [list(t) for t in tokens_of(TEXT)]}, notes=notes)
    left_out = len(every) - len(ents)
    assert left_out > 0
    assert notes == [
        f"{left_out} reviewed entities in 1 article(s) overlap others: in doc.spans['newsreview'] but not in doc.ents"
    ]


def test_spacy_rejected_and_disputed_are_never_entities(store, cli, tmp_path):
    out = tmp_path / "rejected.spacy"
    cli("export", "--reviewer", "bob", "--include", "rejected", "--format", "spacy", "-o", str(out))
    doc = read_docbin(out)
    assert offsets(doc.spans["newsreview_rejected"]) == [(*at("Tuesday"), "DATE")]
    assert offsets(doc.ents) == offsets(doc.spans["newsreview"]) == []
    assert doc.user_data["newsreview_entities"]["newsreview_rejected"][0]["status"] == "rejected"

    cli("export", "--reviewer", "ana", "--include", "rejected", "--format", "spacy", "-o", str(out))
    doc = read_docbin(out)
    assert offsets(doc.spans["newsreview_rejected"]) == [(*at("Moscow"), "GPE")]
    assert (*at("Moscow"), "GPE") not in offsets(doc.ents) + offsets(doc.spans["newsreview"])

    # the desk's final view: ana and bob disagree on Tuesday
    cli("export", "--include", "rejected,disputed,pending", "--format", "spacy", "-o", str(out))
    doc = read_docbin(out)
    (art,) = cli.json("export", "--include", "rejected,disputed,pending")["articles"]
    assert offsets(doc.spans["newsreview_disputed"]) == [(*at("Tuesday"), "DATE")]
    assert offsets(doc.spans["newsreview_rejected"]) == [(*at("Moscow"), "GPE")]
    assert sorted(offsets(doc.spans["newsreview"])) == sorted(stored(art["entities"], "accepted", "edited", "added"))
    positives = set(offsets(doc.ents)) | set(offsets(doc.spans["newsreview"]))
    assert not positives & {(*at("Tuesday"), "DATE"), (*at("Moscow"), "GPE")}
    # nothing exported is lost: every entity is in exactly one group
    groups = ("newsreview", "newsreview_rejected", "newsreview_disputed", "newsreview_pending")
    assert sum(len(doc.spans[g]) for g in groups) == len(art["entities"])


def test_prodigy_rejected_and_disputed_are_not_spans(store, cli, tmp_path):
    out = tmp_path / "tasks.jsonl"
    cli("export", "--reviewer", "ana", "--include", "rejected", "--format", "prodigy", "-o", str(out))
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    spans = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
    assert (*at("Moscow"), "GPE") not in spans
    assert [(s["start"], s["end"], s["label"]) for s in task["meta"]["rejected_spans"]] == [(*at("Moscow"), "GPE")]
    assert "disputed_spans" not in task["meta"] and "pending_spans" not in task["meta"]

    cli("export", "--include", "rejected,disputed", "--format", "prodigy", "-o", str(out))
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    spans = {(s["start"], s["end"], s["label"]) for s in task["spans"]}
    assert not spans & {(*at("Tuesday"), "DATE"), (*at("Moscow"), "GPE")}
    assert [(s["start"], s["end"]) for s in task["meta"]["disputed_spans"]] == [at("Tuesday")]
    assert [(s["start"], s["end"]) for s in task["meta"]["rejected_spans"]] == [at("Moscow")]


def test_prodigy_rejected_entity_is_not_accepted_when_loaded_back(store_path, cli, tmp_path):
    from extractors.vocabulary import REVIEWED

    ex = make_extraction(TEXT, [("Zoë", "PERSON"), ("Moscow", "GPE")])
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(ex)
        aid = ex.article.id
        ids = {c["text"]: c["id"] for c in st.candidates(aid, "entity")}
        st.decide(aid, ids["Zoë"], "accept")
        st.decide(aid, ids["Moscow"], "reject")
    out = tmp_path / "tasks.jsonl"
    cli("export", "--include", "rejected", "--format", "prodigy", "-o", str(out))
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert task["answer"] == "accept"
    cli.env["NEWSREVIEW_STORE"] = str(tmp_path / "other")
    cli("add", str(out), "--model", "blank:en")
    back = cli.json("export", "--include", "all")["articles"][0]
    accepted = {(e["text"], e["label"]) for e in back["entities"] if e["status"] in REVIEWED}
    assert accepted == {("Zoë", "PERSON")}


def test_prodigy_tokens_split_at_span_boundaries(store, cli, tmp_path):
    out = tmp_path / "tasks.jsonl"
    cli("export", "--reviewer", "ana", "--include", "rejected", "--format", "prodigy", "-o", str(out))
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert task["text"] == TEXT
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in task["tokens"]) == TEXT
    assert [t["id"] for t in task["tokens"]] == list(range(len(task["tokens"])))
    overlapping = task["meta"].get("overlapping_spans", [])
    for s in task["spans"] + task["meta"]["rejected_spans"] + overlapping:  # every span on whole tokens now
        assert task["tokens"][s["token_start"]]["start"] == s["start"]
        assert task["tokens"][s["token_end"]]["end"] == s["end"]
    reviewed = task["spans"] + overlapping  # ner.manual spans cannot overlap: the others are in meta
    assert {(s["start"], s["end"], s["label"]) for s in reviewed} >= set(ADDED)
    assert all(
        a["end"] <= b["start"] for a, b in zip(task["spans"], task["spans"][1:], strict=False)
    )  # in order, apart


def test_docbin_and_prodigy_on_records_without_a_store():
    """The functions alone: tokens that do not fit the text (old stores) still give exact offsets."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    text = "  Ünïcode—text\n\nwith 😀😀 odd  gaps "
    ents = [(2, 4, "A"), (3, 9, "B"), (9, 10, "C"), (15, 17, "D"), (21, 23, "E"), (22, 23, "F"), (26, 28, "G")]
    record = {
        "id": "a-x",
        "title": "t",
        "text": text,
        "source": "s",
        "review": {"status": "done", "reviewers": ["ana"]},
        "entities": [
            {"id": f"e-{i}", "start": s, "end": e, "label": lab, "status": "added" if i % 2 else "rejected"}
            for i, (s, e, lab) in enumerate(ents)
        ],
        "claims": [],
    }
    bad_tokens = [[2, 9], [5, 7], [8, 300], [15, 19], [20, 22], [26, 28]]
    notes: list[str] = []
    (doc,) = (
        DocBin().from_bytes(docbin_bytes([record], {"a-x": bad_tokens}, notes=notes)).get_docs(spacy.blank("xx").vocab)
    )
    assert doc.text == text
    got = offsets(doc.spans["newsreview"]) + offsets(doc.spans["newsreview_rejected"])
    assert sorted(got) == sorted(ents)
    (task,) = prodigy_tasks([record], {"a-x": bad_tokens})
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in task["tokens"]) == text
    for s in task["spans"] + task["meta"]["rejected_spans"]:
        assert task["tokens"][s["token_start"]]["start"] == s["start"]
        assert task["tokens"][s["token_end"]]["end"] == s["end"]


def test_pieces_cover_the_text_and_cut_at_every_boundary():
    rng = random.Random(7)
    alphabet = "ab é😀東 \n"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        toks = [list(t) for t in tokens_of(text)]
        if rng.random() < 0.2 and toks:  # damaged tokens: overlapping, out of range
            toks.insert(rng.randrange(len(toks)), [rng.randrange(0, 40), rng.randrange(0, 40)])
        starts = {rng.randrange(0, len(text) + 1) for _ in range(rng.randrange(0, 4))}
        ends = {rng.randrange(0, len(text) + 1) for _ in range(rng.randrange(0, 4))}
        pieces = _pieces(text, toks, starts, ends)
        assert "".join(text[s:e] + (" " if ws else "") for s, e, ws in pieces) == text
        assert all(s < e for s, e, _ in pieces)
        token_starts = {s for s, _, _ in pieces}
        token_ends = {e for _, e, _ in pieces}
        assert {c for c in starts if c < len(text)} <= token_starts
        assert {c for c in ends if c > 0} <= token_ends
