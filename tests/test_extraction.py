"""The extraction path on the real sample article, and on pipelines that lack components."""

from __future__ import annotations

import pytest

from extractors.loaders import iter_articles
from extractors.nlp import ModelError, load_model
from extractors.pipeline import Extractor
from extractors.records import check_offsets

from support import SAMPLE

pytestmark = pytest.mark.slow


def test_sample_entities(sample_extraction):
    ents = {(e["text"], e["label"]) for e in sample_extraction.entities}
    for expected in [
        ("Ben Wallace", "PERSON"),
        ("John Kirby", "PERSON"),
        ("Russia", "GPE"),
        ("Iran", "GPE"),
        ("Tehran", "GPE"),
        ("Moscow", "GPE"),
        ("100,000", "CARDINAL"),
        ("Tuesday", "DATE"),
    ]:
        assert expected in ents, expected
    for e in sample_extraction.entities:
        check_offsets(sample_extraction.article.text, e)
        assert e["model"].startswith("en_core_web_sm") and e["model"].endswith("-3.8.0")
        assert e["token_end"] > e["token_start"]


def test_sample_wallace_claims_resolve_to_ben_wallace(sample_extraction):
    text = sample_extraction.article.text
    by_content = {c["text"]: c for c in sample_extraction.claims}
    ents = {e["id"]: e for e in sample_extraction.entities}

    def claim_containing(fragment):
        found = [c for c in sample_extraction.claims if fragment in c["text"]]
        assert found, f"no claim contains {fragment!r}; claims: {list(by_content)}"
        return found[0]

    for fragment in [
        "We must hold their enablers to account",  # ... he said
        "Iran should be held responsible",  # Wallace said (indirect)
        "We cannot stand by while Russia sends",  # ..., Wallace said
        "Our advice helps Ukraine target",  # ..., he said
        "dead, injured or have deserted",  # ..., he said (mixed)
        "Not one single operational commander",
    ]:  # ..., Wallace told lawmakers
        claim = claim_containing(fragment)
        speaker = claim["speaker"]
        assert speaker is not None and claim["cue"] is not None, fragment
        assert "Ben Wallace" in speaker["name"], (fragment, speaker)
        assert ents[speaker["entity_id"]]["text"] == "Ben Wallace"
        for ref in [speaker, claim["cue"]]:
            assert text[ref["start"] : ref["end"]] == ref["text"]


def test_sample_claims_have_numbers_and_scores(sample_extraction):
    troops = [
        c
        for c in sample_extraction.claims
        if "dead, injured or have deserted" in c["text"] or "100,000 Russian troops" in c["text"]
    ]
    assert troops
    assert all(0.0 <= c["checkworthiness"] <= 1.0 for c in sample_extraction.claims)
    drones = [c for c in sample_extraction.claims if "300 kamikaze drones" in c["text"]]
    assert drones and any(n["text"].endswith("300") for n in drones[0]["numbers"])


def test_missing_model_is_a_clear_error():
    with pytest.raises(ModelError, match=r"unknown spaCy model 'xx_nothing'.*pip install"):
        load_model("xx_nothing")


def test_a_model_folder_with_a_damaged_meta_json_says_so(tmp_path):
    """QA: "Unexpected character found when decoding 'null'" named no file."""
    (tmp_path / "meta.json").write_text("{nope")
    with pytest.raises(ModelError, match=r"its meta.json is not valid JSON"):
        load_model(str(tmp_path))


def test_a_model_folder_with_a_damaged_config_says_what_spacy_found(tmp_path):
    """QA: "Config validation error" was all it said; spaCy's next lines, cut off, said what."""
    import spacy

    spacy.blank("en").to_disk(tmp_path / "m")
    (tmp_path / "m" / "config.cfg").write_text("[nlp\n")
    with pytest.raises(ModelError, match=r"Config validation error .*no section headers"):
        load_model(str(tmp_path / "m"))


def test_pipeline_without_parser_or_ner_warns_not_crashes(tmp_path):
    import spacy

    blank = tmp_path / "blank"
    spacy.blank("en").to_disk(blank)
    ex = Extractor(str(blank)).load()
    (article,) = list(iter_articles([SAMPLE]))
    result = ex.extract_one(article)
    assert result.entities == [] and result.claims == []
    assert any("no entity candidates" in w for w in result.warnings)
    assert any("no dependency parser: no claim candidates" in w for w in result.warnings)
    assert result.tokens


def test_two_jobs_give_the_same_candidates(extractor, tmp_path):
    arts = [a for a in iter_articles([SAMPLE, SAMPLE.parent / "batch.jsonl"])]
    one = [(x.article.id, [c["id"] for c in x.entities + x.claims]) for x in extractor.extract(arts, jobs=1)]
    two = [(x.article.id, [c["id"] for c in x.entities + x.claims]) for x in extractor.extract(arts, jobs=2)]
    assert one == two and len(one) == 4


def test_imported_spans_become_imported_candidates(extractor):
    arts = [a for a in iter_articles([SAMPLE.parent / "batch.jsonl"])]
    res = extractor.extract_one(arts[1])
    imported = [e for e in res.entities if e["origin"] == "imported"]
    assert [(e["text"], e["label"]) for e in imported] == [("Measles", "DISEASE")]
    assert imported[0]["token_start"] is not None and imported[0]["model"] is None


def test_claim_fields_match_the_extraction_for_unedited_claims(extractor, sample_extraction):
    """An unchanged claim gets the numbers and hedges the extraction gave it, and (up to the context
    the paragraph-only parse lacks) the same check-worthiness; offsets exact."""
    from extractors.claims.fields import claim_fields

    text = sample_extraction.article.text
    assert sample_extraction.claims
    for c in sample_extraction.claims:
        fields = claim_fields(extractor, text, c["start"], c["end"])
        assert fields["numbers"] == c["numbers"], c["text"]
        assert fields["hedges"] == c["hedges"], c["text"]
        assert abs(fields["checkworthiness"] - c["checkworthiness"]) < 0.1, c["text"]
        for ref in fields["numbers"] + fields["hedges"]:
            check_offsets(text, ref)


def test_claim_fields_of_an_added_claim(extractor):
    """A span the analyst selected (mid-paragraph, across a sentence end, after a non-ASCII title) gets
    its numbers, hedges and a real score, without the claims component running; the nlp alone works too."""
    from extractors.claims.fields import claim_fields

    text = (
        "Ölpreis – “Analyse”\n\nMarkets were calm. The company reportedly cut 4,500 jobs in 2022, about 12 percent "
        "of its staff. Its chief executive said the cuts were painful.\nA new paragraph follows here."
    )
    start = text.index("The company")
    end = text.index("Its chief") + len("Its chief executive")
    fields = claim_fields(extractor, text, start, end)
    assert [n["text"] for n in fields["numbers"]] == ["4,500", "2022", "about 12 percent"]
    assert [h["text"] for h in fields["hedges"]] == ["reportedly", "about"]
    for ref in fields["numbers"] + fields["hedges"]:
        assert text[ref["start"] : ref["end"]] == ref["text"]
        assert start <= ref["start"] and ref["end"] <= end
    assert 0.5 <= fields["checkworthiness"] <= 1.0
    opinion = text.index("Markets were calm")
    calm = claim_fields(extractor.nlp, text, opinion, opinion + len("Markets were calm."))
    assert calm["numbers"] == [] and calm["checkworthiness"] < fields["checkworthiness"]


def test_a_link_or_address_is_no_number_of_a_claim(extractor):
    """QA: in a claim holding "[link=file:///etc/passwd]" the numbers listed "file:///etc"."""
    from extractors.claims.fields import claim_fields

    text = (
        "The ministry said 4,500 files at [link=file:///etc/passwd] and https://example.org/2024/report.pdf "
        "were leaked to press@example.org on 12 May."
    )
    fields = claim_fields(extractor, text, 0, len(text))
    assert [n["text"] for n in fields["numbers"]] == ["4,500", "12"]  # a URL holding 2024 is none either


def test_claim_fields_of_an_empty_or_bad_span(extractor):
    from extractors.claims.fields import claim_fields

    text = "Prices rose by 5 percent.\n\n   \nMore text."
    blank = text.index("   ")
    assert claim_fields(extractor, text, blank, blank + 3) == {"numbers": [], "hedges": [], "checkworthiness": 0.0}
    with pytest.raises(ValueError):
        claim_fields(extractor, text, 5, len(text) + 1)
