"""newsreview train: the store's decisions as partial NER annotation, and a tiny real training run."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tui.store import ReviewStore
from tui.training.annotations import (
    MIN_FOR_HELD_OUT,
    ArticleAnnotation,
    Span,
    annotate,
    default_labels,
    held_out_key,
    keep_base,
    split,
    store_annotations,
)
from tui.training.models import claim_output, held_out_line, trained_models

from support import make_extraction

LABELS = {"PERSON", "ORG", "GPE"}

FULL = "Ben Wallace met Ivan Petrov in Kyiv on Monday. The Ministry of Defence said 40 drones fell.\nWallace flew home."
PARTIAL = "Anna Berg visited Oslo and Bergen with Tom Lie."


def decided_store(path: Path) -> tuple[str, str]:
    """Two articles with every kind of decision: FULL has every PERSON/ORG/GPE candidate decided (but
    its DATE and CARDINAL pending); PARTIAL has a PERSON/ORG/GPE candidate left pending."""
    full = make_extraction(
        FULL,
        [
            ("Ben Wallace", "PERSON"),  # accepted
            ("Ivan Petrov", "ORG"),  # label edited to PERSON
            ("Kyiv", "PERSON"),  # rejected
            ("Monday", "DATE"),  # pending, outside the label set
            ("Ministry", "ORG"),  # span edited to "Ministry of Defence"
            ("40", "CARDINAL"),  # pending, outside the label set
        ],
    )
    partial = make_extraction(
        PARTIAL,
        [("Anna Berg", "PERSON"), ("Oslo", "GPE"), ("Bergen", "PERSON"), ("Tom Lie", "DATE")],
    )
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        st.add_article(full)
        st.add_article(partial)
        a, b = full.article.id, partial.article.id
        e = {c["text"]: c["id"] for c in full.entities}
        st.decide(a, e["Ben Wallace"], "accept")
        st.decide(a, e["Ivan Petrov"], "edit", changes={"label": "PERSON"})
        st.decide(a, e["Kyiv"], "reject")
        start = FULL.index("Ministry")
        st.decide(a, e["Ministry"], "edit", changes={"start": start, "end": start + len("Ministry of Defence")})
        second = FULL.rindex("Wallace")
        st.add_candidate(a, {"kind": "entity", "start": second, "end": second + 7, "label": "PERSON"})
        p = {c["text"]: c["id"] for c in partial.entities}
        st.decide(b, p["Anna Berg"], "accept")
        st.decide(b, p["Bergen"], "reject")
        st.decide(b, p["Tom Lie"], "edit", changes={"label": "PERSON"})  # DATE -> PERSON: original is out of set
    return a, b


def span(text: str, surface: str, label: str, last: bool = False) -> Span:
    start = text.rindex(surface) if last else text.index(surface)
    return Span(start, start + len(surface), label)


def test_decisions_become_entities_negatives_and_unknowns(store_path):
    a, b = decided_store(store_path)
    with ReviewStore.open(store_path) as st:
        anns = {ann.article_id: ann for ann in store_annotations(st, LABELS)}
    full, partial = anns[a], anns[b]
    assert full.complete and full.decided == 5
    assert full.entities == [
        span(FULL, "Ben Wallace", "PERSON"),
        span(FULL, "Ivan Petrov", "PERSON"),
        span(FULL, "Ministry of Defence", "ORG"),
        span(FULL, "Wallace", "PERSON", last=True),
    ]
    # the rejected span is known to be wrong as exactly that; what the two edits replaced ("Ivan
    # Petrov" as ORG, "Ministry" as ORG) overlaps the entities they became, which already say so (and
    # spaCy's oracle can fail on such a negative: E024)
    assert full.negatives == [span(FULL, "Kyiv", "PERSON")]
    # the pending DATE and CARDINAL stay unknown even in a complete article: nobody reviewed them
    assert full.unknown == [span(FULL, "Monday", "")[:2], span(FULL, "40", "")[:2]]
    assert full.others == [span(FULL, "Monday", "DATE"), span(FULL, "40", "CARDINAL")] and full.vetoed == []

    assert not partial.complete  # "Oslo" (GPE) is still pending
    assert partial.entities == [span(PARTIAL, "Anna Berg", "PERSON"), span(PARTIAL, "Tom Lie", "PERSON")]
    assert partial.negatives == [span(PARTIAL, "Bergen", "PERSON")]
    assert partial.vetoed == [span(PARTIAL, "Tom Lie", "DATE")]  # what the edit replaced, outside the set
    assert span(PARTIAL, "Oslo", "")[:2] in partial.unknown


def test_a_candidate_reviewers_disagree_on_is_not_settled(store_path):
    a, _b = decided_store(store_path)
    with ReviewStore.open(store_path, write=True, reviewer="bo") as st:
        (wallace,) = [c["id"] for c in st.candidates(a, "entity") if c["text"] == "Ben Wallace"]
        st.decide(a, wallace, "reject")  # ana accepted it
    with ReviewStore.open(store_path) as st:  # a reader sees the desk's final view
        assert st.candidate(a, wallace)["status"] == "disputed"
        full = next(ann for ann in store_annotations(st, LABELS) if ann.article_id == a)
    assert not full.complete and span(FULL, "Ben Wallace", "PERSON") not in full.entities + full.negatives
    assert span(FULL, "Ben Wallace", "")[:2] in full.unknown


def test_labels_outside_the_set_are_unknown_whatever_their_status():
    text = "Paris said Tuesday that Acme won."
    cands = [
        {"kind": "entity", "start": 0, "end": 5, "label": "GPE", "status": "accepted"},
        {"kind": "entity", "start": 11, "end": 18, "label": "DATE", "status": "accepted"},
        {"kind": "entity", "start": 24, "end": 28, "label": "PRODUCT", "status": "rejected"},
        {"kind": "claim", "start": 11, "end": 32, "status": "accepted"},
    ]
    ann = annotate("a-1", text, cands, {"GPE", "ORG"})
    assert ann.complete and ann.entities == [Span(0, 5, "GPE")]
    assert ann.negatives == [] and ann.unknown == [(11, 18), (24, 28)]
    assert ann.vetoed == [Span(24, 28, "PRODUCT")]  # a label outside the set is never a negative
    # with the default label set (the labels kept in the store) DATE is taught too
    assert annotate("a-1", text, cands, {"GPE", "DATE"}).entities == [Span(0, 5, "GPE"), Span(11, 18, "DATE")]


def test_the_desk_memorys_pending_proposals_leave_an_article_complete():
    """QA (train): an article whose candidates were all decided but for the desk memory's proposals —
    done in the export and the queue — was not complete for training: "0 fully reviewed" of 11, no
    held-out figure. A pending proposal is a suggestion; its tokens stay unknown, never "O"."""
    text = "Paris said Acme won and Acme Corp agreed."
    cands = [
        {"kind": "entity", "start": 0, "end": 5, "label": "GPE", "status": "accepted"},
        {"kind": "entity", "start": 11, "end": 15, "label": "ORG", "status": "accepted", "origin": "analyst"},
        {"kind": "entity", "start": 23, "end": 27, "label": "ORG", "status": "pending", "origin": "memory"},
    ]
    ann = annotate("a-1", text, cands, {"GPE", "ORG"})
    assert ann.complete and ann.entities == [Span(0, 5, "GPE"), Span(11, 15, "ORG")]
    assert (23, 27) in ann.unknown and ann.others == []
    machine = [*cands[:2], {**cands[2], "origin": "model"}]  # a machine candidate still pending does not
    assert not annotate("a-1", text, machine, {"GPE", "ORG"}).complete


def test_the_base_models_other_labels_are_kept_unless_rejected_or_overlapping():
    text = "Paris said Tuesday that Acme won 3 games."
    cands = [
        {"kind": "entity", "start": 0, "end": 5, "label": "GPE", "status": "accepted"},
        {"kind": "entity", "start": 24, "end": 28, "label": "PRODUCT", "status": "rejected"},
    ]
    ann = annotate("a-1", text, cands, {"GPE", "ORG"})
    predictions = [
        Span(0, 5, "GPE"),  # a label of the set: the analysts' word counts, not the base model's
        Span(0, 10, "CARDINAL"),  # overlaps a reviewed entity
        Span(11, 18, "DATE"),
        Span(24, 28, "PRODUCT"),  # rejected as exactly that
        Span(24, 28, "WORK_OF_ART"),  # the same words under another label: nobody said no to that
        Span(33, 34, "CARDINAL"),
        Span(33, 40, "QUANTITY"),  # overlaps a longer one kept
    ]
    keep_base(ann, predictions, {"GPE", "ORG"})
    assert ann.kept == [Span(11, 18, "DATE"), Span(24, 28, "WORK_OF_ART"), Span(33, 40, "QUANTITY")]


def test_overlapping_kept_entities_keep_the_longest_and_leave_the_rest_unknown():
    text = "The Bank of England raised rates."
    cands = [
        {"kind": "entity", "start": 4, "end": 19, "label": "ORG", "status": "accepted"},
        {"kind": "entity", "start": 12, "end": 19, "label": "GPE", "status": "accepted"},
        {"kind": "entity", "start": 0, "end": 8, "label": "ORG", "status": "added"},
    ]
    ann = annotate("a-1", text, cands, {"ORG", "GPE"})
    assert ann.entities == [Span(4, 19, "ORG")] and ann.overlapping == 2
    assert (0, 8) in ann.unknown and (12, 19) in ann.unknown


def test_an_article_without_entity_decisions_is_left_out(filled_store):
    path, _ex = filled_store
    with ReviewStore.open(path) as st:
        assert store_annotations(st, LABELS) == []
        assert default_labels(st) == set()


def test_default_labels_are_the_kept_ones(store_path):
    decided_store(store_path)
    with ReviewStore.open(store_path) as st:
        assert default_labels(st) == {"PERSON", "ORG"}  # rejected, pending and replaced labels do not count
    with ReviewStore.open(store_path, mode="add") as st:
        st.set_labels(["PERSON", "GPE"])  # the desk's label set: ORG hidden (QA: it was trained all the same)
    with ReviewStore.open(store_path) as st:
        assert default_labels(st) == {"PERSON"}


def _ann(aid: str, complete: bool = True) -> ArticleAnnotation:
    return ArticleAnnotation(aid, "x", complete, decided=1)


def test_held_out_slice_is_stable_and_only_complete_articles():
    anns = [_ann(f"a-{i:04d}") for i in range(400)] + [_ann(f"b-{i}", complete=False) for i in range(50)]
    train, held = split(anns, 0.15)
    assert len(train) + len(held) == len(anns)
    assert all(a.complete for a in held) and 40 < len(held) < 80
    assert {a.article_id for a in held} == {a.article_id for a in anns[:400] if held_out_key(a.article_id) < 0.15}
    # an article keeps its side when the store grows
    _, held_more = split([*anns, *(_ann(f"c-{i}") for i in range(100))], 0.15)
    assert {a.article_id for a in held} <= {a.article_id for a in held_more}
    assert split(anns, 0.0)[1] == []


def test_a_small_store_holds_one_article_out_and_a_tiny_one_none():
    few = [_ann(f"a-{i}") for i in range(MIN_FOR_HELD_OUT)]
    assert len(split(few, 0.0001)[1]) == 1
    assert split(few[:-1], 0.0001)[1] == []
    assert split(few[:-1], 0.9)[1] == []  # too few to spare any, whatever their keys
    assert split([*few[:-1], _ann("z", complete=False)], 0.0001)[1] == []


# -- spaCy Docs from annotations (spaCy's tokenizer, no training) ------------------------------------


@pytest.mark.slow
def test_reference_doc_marks_entities_outside_and_missing_per_token(store_path):
    import spacy

    from tui.training.run import INCORRECT_KEY, reference_doc

    a, b = decided_store(store_path)
    with ReviewStore.open(store_path) as st:
        anns = {ann.article_id: ann for ann in store_annotations(st, LABELS)}
    nlp = spacy.blank("en")

    doc, misaligned = reference_doc(nlp.make_doc(FULL), anns[a])
    tags = {t.text: t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") for t in doc}
    assert not misaligned and not anns[a].kept
    assert [t.ent_iob_ for t in doc[:2]] == ["B", "I"] and doc[0].ent_type_ == "PERSON"
    assert tags["Ivan"] == "B-PERSON" and tags["met"] == "O" and tags["on"] == "O"
    assert tags["Kyiv"] == "O"  # rejected in a complete article: no entity of the set there
    assert tags["Monday"] == "" and tags["40"] == ""  # missing: dates and numbers were not reviewed
    assert [t.ent_iob_ for t in doc if t.text in ("Ministry", "of", "Defence")] == ["B", "I", "I"]
    assert tags["\n"] == "O" and doc[-4].text == "Wallace" and doc[-4].ent_iob_ == "B"
    assert {(s.text, s.label_) for s in doc.spans[INCORRECT_KEY]} == {("Kyiv", "PERSON")}

    # with the base model's DATE and CARDINAL kept, they are taught as they are
    keep_base(anns[a], anns[a].others, LABELS)
    doc, _ = reference_doc(nlp.make_doc(FULL), anns[a])
    tags = {t.text: t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") for t in doc}
    assert tags["Monday"] == "B-DATE" and tags["40"] == "B-CARDINAL" and tags["on"] == tags["drones"] == "O"

    doc, _ = reference_doc(nlp.make_doc(PARTIAL), anns[b])
    iob = {t.text: t.ent_iob_ for t in doc}
    assert iob["Anna"] == "B" and iob["Berg"] == "I" and iob["Tom"] == "B"
    # an unfinished article says nothing about the rest of its text
    assert iob["visited"] == iob["Oslo"] == iob["Bergen"] == iob["and"] == iob["."] == ""
    assert [(s.text, s.label_) for s in doc.spans[INCORRECT_KEY]] == [("Bergen", "PERSON")]


@pytest.mark.slow
def test_an_entity_off_token_boundaries_is_left_missing():
    import spacy

    from tui.training.run import reference_doc

    text = "The U.S.-led talks in Geneva ended."
    ann = annotate(
        "a-1",
        text,
        [
            {"kind": "entity", "start": 4, "end": 8, "label": "GPE", "status": "added"},  # "U.S." inside "U.S.-led"
            {"kind": "entity", "start": 22, "end": 28, "label": "GPE", "status": "accepted"},
        ],
        {"GPE"},
    )
    doc, misaligned = reference_doc(spacy.blank("en").make_doc(text), ann)
    assert [(e.start, e.end, e.label) for e in misaligned] == [(4, 8, "GPE")]  # named in train's warning
    assert [e.text for e in doc.ents] == ["Geneva"]
    by_text = {t.text: t.ent_iob_ for t in doc}
    assert by_text["U.S.-led"] == "" and by_text["talks"] == "O"  # one token here: "U.S." cannot be taught


# -- a real run ------------------------------------------------------------------------------------

ARTICLES = [
    "Ben Wallace said Russia had lost 40 drones over Kyiv.",
    "Maria Lopez told Reuters that the Acme Corp plant in Ohio would close.",
    "The mayor of Leeds, Tom Riley, said the bridge reopens in May.",
    "Officials in Berlin said the Stinger missiles arrived on Tuesday.",
    "Anna Berg of the Red Cross said 12 people were hurt in Oslo.",
    "Li Wei said the Javelin launchers were sent to Poland by NATO.",
]
WEAPONS = ("Stinger", "Javelin", "drones")


def trained_store(path: Path) -> None:
    """The real extractor's candidates, all decided: model entities accepted, weapons added under a
    label the stock model lacks."""
    from extractors.pipeline import Extractor
    from extractors.records import Article

    extractor = Extractor().load()
    with ReviewStore.open(path, write=True, reviewer="ana") as st:
        for ex in extractor.extract([Article(text=t) for t in ARTICLES]):
            st.add_article(ex)
            aid = ex.article.id
            for cand in ex.entities:
                st.decide(aid, cand["id"], "accept")
            for word in WEAPONS:
                if word in ex.article.text:
                    start = ex.article.text.index(word)
                    st.add_candidate(
                        aid, {"kind": "entity", "start": start, "end": start + len(word), "label": "WEAPON"}
                    )


def claim_fields(claim: dict) -> tuple:
    """A claim without what names the model or links to an entity (an entity id includes its label)."""
    speaker = claim["speaker"] and (claim["speaker"]["start"], claim["speaker"]["end"])
    rest = ("start", "end", "cue", "quote_type", "numbers", "hedges", "checkworthiness")
    return (speaker, *(json.dumps(claim[k], sort_keys=True) for k in rest))


def same_weights(a, b) -> bool:
    import numpy

    pairs = [(x, y) for x, y in zip(a.walk(), b.walk(), strict=True)]
    params = [(x.get_param(n), y.get_param(n)) for x, y in pairs for n in x.param_names if x.has_param(n)]
    return bool(params) and all(p.shape == q.shape and numpy.array_equal(p, q) for p, q in params)


@pytest.mark.slow
def test_runs_of_the_same_second_claim_folders_of_their_own(tmp_path):
    """QA: two `train` runs started in the same second both saved to STORE/models/ner-DATE-TIME, the
    second replacing the first's model without --force."""
    wanted = tmp_path / "models" / "ner-20261204-232553"
    first, second, third = (claim_output(wanted) for _ in range(3))
    assert first == wanted and second.name == "ner-20261204-232553-2" and third.name == "ner-20261204-232553-3"
    assert all(p.is_dir() and not any(p.iterdir()) for p in (first, second, third))


def test_training_run_saves_a_pipeline_that_newsreview_can_load(store_path, tmp_path):
    import spacy

    from extractors.nlp import load_model
    from extractors.pipeline import Extractor
    from extractors.records import Article
    from tui.training.run import TrainError, TrainSettings, train_from_store

    trained_store(store_path)
    out = tmp_path / "model"
    result = train_from_store(store_path, out, settings=TrainSettings(max_steps=3), stderr=io.StringIO())
    info = result.info
    assert result.output == out and (out / "meta.json").is_file()
    assert info["articles"]["train"] + info["articles"]["held_out"] == len(ARTICLES)
    assert info["articles"]["held_out"] == 1  # six complete articles: the lowest-keyed one is held out
    assert "WEAPON" in info["labels"] and info["updates"] == 3  # QA: --max-steps N made N + 1

    nlp = spacy.load(out)
    base = load_model(None)
    assert "WEAPON" in nlp.get_pipe("ner").labels
    # only the NER was trained: the weights the parser and tagger read are the base's, exactly
    for name in ("tok2vec", "tagger", "parser"):
        assert same_weights(nlp.get_pipe(name).model, base.get_pipe(name).model), name
    assert not same_weights(nlp.get_pipe("ner").model, base.get_pipe("ner").model)
    assert nlp.meta["newsreview"]["held_out"] == info["held_out"]
    held = info["held_out"]
    assert held["articles"] == 1 and held["entities"] >= 1 and 0 <= held["f"] <= 1 and "f" in held["base"]
    assert "held-out F1" in held_out_line(info)

    # the folder works as --model, the claims component included, and claims are the base's (the
    # check-worthiness scores too: they read Doc.tensor, which the frozen tok2vec leaves as it was)
    article = Article(text=ARTICLES[0] + " The minister said the attack failed.")
    got = Extractor(str(out)).extract_one(article)
    want = Extractor().extract_one(article)
    assert got.entities and all(e["model"] == info["name"] for e in got.entities)
    assert info["tensor_model"] == info["base"]
    assert got.claims and [claim_fields(c) for c in got.claims] == [claim_fields(c) for c in want.claims]

    # the run is on record with the store; the folder is not replaced without being told to
    (record,) = trained_models(store_path)
    assert record["model"] == str(out.resolve()) and record["exists"] and record["held_out"] == held
    assert not record["replaced"]
    with pytest.raises(TrainError, match="--force"):
        train_from_store(store_path, out, settings=TrainSettings(max_steps=1))
    assert not list(tmp_path.glob(".newsreview-train-*"))  # no temporary folder left behind

    # QA: a model trained from this one must not be scored on an article this one learnt. Here its
    # held-out article was not learnt; the held-out slice of a run from it stays that article, and
    # an article it did learn is never held out (the run's meta says which it learnt)
    seen = set(nlp.meta["newsreview"]["trained_articles"])
    assert len(seen) == info["articles"]["train"] and record.get("trained_articles") is None  # (not in the index)
    chained = train_from_store(store_path, tmp_path / "m2", base=str(out), settings=TrainSettings(max_steps=2))
    assert chained.info["articles"]["held_out"] == 1
    assert set(chained.info["trained_articles"]) == seen
    meta = json.loads((out / "meta.json").read_text())
    meta["newsreview"]["trained_articles"] = sorted(seen | {a for a in _article_ids(store_path)})  # as if it learnt all
    (out / "meta.json").write_text(json.dumps(meta))
    leak = train_from_store(store_path, tmp_path / "m3", base=str(out), settings=TrainSettings(max_steps=2))
    assert leak.info["articles"]["held_out"] == 0 and leak.info["held_out"] is None
    assert any("learnt every article the held-out slice holds" in w for w in leak.warnings)


def _article_ids(store_path) -> list[str]:
    with ReviewStore.open(store_path) as st:
        return st.article_ids()


@pytest.mark.slow
def test_train_command(store_path, cli, tmp_path):
    proc = cli("train", "-o", str(tmp_path / "m"), check=1)
    assert proc.stderr.startswith("newsreview: error:") and "no store" in proc.stderr
    decided_store(store_path)
    typo = cli("train", "-o", str(tmp_path / "m"), "--labels", "PERSON,NOSUCH", check=1)  # QA: minutes on nothing
    assert typo.stderr.count("\n") == 1 and "--labels: no entity in the store has the label 'NOSUCH'" in typo.stderr
    assert not (tmp_path / "m").exists()
    proc = cli("train", "-o", str(tmp_path / "m"), "--max-steps", "2", "--labels", "PERSON,ORG,GPE")
    assert "saved to" in proc.stdout and "no held-out figure" in proc.stdout
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["newsreview"]["labels"] == ["GPE", "ORG", "PERSON"]
    # kept from the base model, which reads the articles again (they were "extracted" by a test
    # model): "Monday" and "40" in the first one
    assert meta["newsreview"]["entities"] == {
        "train": 6,
        "negatives": 2,  # rejected spans clear of every taught entity (the edits' old spans overlap them)
        "kept_from_base": 2,
        "misaligned": 0,
        "overlapping": 0,
    }
    proc = cli("train", "-o", str(tmp_path / "m"), "--max-steps", "2", check=1)
    assert "already exists" in proc.stderr and "Traceback" not in proc.stderr
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("keep me")
    proc = cli("train", "-o", str(notes), "--force", check=1)
    assert "not a spaCy pipeline folder" in proc.stderr and (notes / "todo.txt").read_text() == "keep me"
    cli("train", "-o", str(tmp_path / "m"), "--max-steps", "2", "--force", "--labels", "PERSON")
    assert json.loads((tmp_path / "m" / "meta.json").read_text())["newsreview"]["labels"] == ["PERSON"]
    proc = cli("train", "--labels", " , ", check=2)
    assert "--labels" in proc.stderr
    # the default output folder is inside the store, recorded in its index
    cli("train", "--max-steps", "2")
    records = trained_models(store_path)
    assert len(records) == 3 and Path(records[-1]["model"]).parent == (store_path / "models").resolve()
    # QA: the folder m was trained over (--force): its first record's figure is not the model's there now
    assert [(r["exists"], r["replaced"]) for r in records] == [(True, True), (True, False), (True, False)]
    status = cli("status").stdout
    assert status.count("(replaced: the folder holds another model now") == 1


@pytest.mark.parametrize(
    "code",
    [
        "import tui.training, tui.training.annotations, tui.training.models",
        "import sys\nfrom tui import lifecycle as cli\nsys.argv = ['newsreview', 'train', '--help']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass",
    ],
)
def test_training_records_and_train_help_never_import_spacy(code):
    import subprocess
    import sys

    from support import ROOT

    probe = f"{code}\nimport sys\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert not {"spacy", "textual"} & set(out.stdout.split())


@pytest.mark.slow
def test_a_rejected_span_around_a_taught_entity_trains(store_path, cli, tmp_path):
    """CoNLL's "ATHLETICS - HARRISON": the model's ORG over the whole line rejected, the PERSON inside it
    added. Taught as a negative, that span made spaCy's oracle fail (E024) and `train` die; now the
    added entity says it all, and training runs."""
    text = "ATHLETICS - HARRISON WINS IN SARAJEVO\nHarrison won the race in Sarajevo on Tuesday.\n"
    ex = make_extraction(text, [("ATHLETICS - HARRISON", "ORG"), ("Sarajevo", "GPE")])
    with ReviewStore.open(store_path, write=True, reviewer="ana") as st:
        st.add_article(ex)
        aid = ex.article.id
        ids = {c["text"]: c["id"] for c in ex.entities}
        st.decide(aid, ids["ATHLETICS - HARRISON"], "reject")
        st.decide(aid, ids["Sarajevo"], "accept")
        for word, label in (("HARRISON", "PERSON"), ("Harrison", "PERSON"), ("SARAJEVO", "GPE")):
            start = text.index(word)
            st.add_candidate(aid, {"kind": "entity", "start": start, "end": start + len(word), "label": label})
        anns = store_annotations(st, {"PERSON", "ORG", "GPE"})
    assert anns[0].negatives == []
    proc = cli("train", "-o", str(tmp_path / "m"), "--max-steps", "3", "--labels", "PERSON,ORG,GPE", "--held-out", "0")
    assert "saved to" in proc.stdout and "Traceback" not in proc.stderr


def test_a_killed_runs_work_folder_is_removed_by_the_next_run_and_no_other(tmp_path):
    """QA: `kill -9` of `train` left `.newsreview-train-*` beside the model for good. The next run on
    this host removes the folders of runs whose process is gone; a live run's folder, another host's
    (a shared disk) and a look-alike file stay."""
    import os
    import subprocess
    import sys

    from tui.training.run import WORK_PREFIX, _work_folder, _work_host

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    mine = f"{WORK_PREFIX}{_work_host()}+"
    dead = tmp_path / f"{mine}{dead_pid}-abc"
    (dead / "out").mkdir(parents=True)
    (dead / "train.spacy").write_bytes(b"x" * 10)
    live = tmp_path / f"{mine}{os.getppid()}-def"
    live.mkdir()
    other_host = tmp_path / f"{WORK_PREFIX}elsewhere+{dead_pid}-ghi"
    other_host.mkdir()
    # review: with "-" after the host, host "vm" took host "vm-99999"'s folder for a dead pid 99999's
    longer_host = tmp_path / f"{WORK_PREFIX}{_work_host()}-{dead_pid}+{dead_pid}-jkl"
    longer_host.mkdir()
    a_file = tmp_path / f"{mine}{dead_pid}-file"
    a_file.write_text("not ours")

    work = _work_folder(tmp_path)

    assert work.is_dir() and work.name.startswith(f"{mine}{os.getpid()}-")
    assert not dead.exists()
    assert live.is_dir() and other_host.is_dir() and longer_host.is_dir() and a_file.is_file()


def test_an_interrupted_runs_bar_stays_where_training_stopped():
    """QA: Ctrl-C during `train` jumped the bar to "3000/3000" before saying it was interrupted."""
    from tui.training.run import make_progress_logger

    def bar(interrupt: bool) -> str:
        err = io.StringIO()
        log_step, finalize = make_progress_logger(3000)(None, io.StringIO(), err)
        for step in range(3):
            log_step({"step": step, "epoch": 0, "losses": {"ner": 1.0}})
        try:
            try:
                if interrupt:
                    raise KeyboardInterrupt
            finally:
                finalize()
        except KeyboardInterrupt:
            pass
        return err.getvalue()

    assert "3000/3000" in bar(interrupt=False)
    stopped = bar(interrupt=True)
    assert "3/3000" in stopped and "3000/3000" not in stopped


def test_a_model_worse_than_its_base_on_the_held_out_articles_is_said_so():
    """QA (train): a model trained longer on a few articles proposed twice the base's entities, many of
    them junk, and neither train nor status said so."""
    from rich.console import Console

    from tui.training.models import training_report

    held = {"f": 0.41, "p": 0.30, "r": 0.66, "articles": 3, "entities": 40, "per_label": {}, "base": {"f": 0.62}}
    info = {
        "name": "ner-x",
        "base": "en_core_web_sm",
        "seconds": 30,
        "model": "models/ner-x",
        "articles": {"train": 17, "train_complete": 8},
        "entities": {"train": 300, "negatives": 20},
        "steps": 300,
        "updates": 301,
        "epochs": 23,
        "labels": ["ORG", "PERSON"],
        "held_out": held,
    }
    console = Console(width=200, record=True)
    console.print(training_report(info))
    said = console.export_text()
    assert "⚠ worse than the base model on the held-out articles (F1 0.410 against 0.620)" in said
    assert held_out_line(info).endswith("base model 0.620 (worse: keep the base model)")
    better = {**info, "held_out": {**held, "f": 0.70}}
    console = Console(width=200, record=True)
    console.print(training_report(better))
    assert "worse" not in console.export_text() and "worse" not in held_out_line(better)
