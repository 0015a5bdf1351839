"""Check-worthiness: the features the model was trained on are the ones it sees at run time, the
contextual block only applies to the pipeline it was trained with, and the scores separate a factual
claim from an opinion."""

from __future__ import annotations

import numpy as np
import pytest

from extractors.claims import ClaimModels, checkworthy
from extractors.pipeline import COMPONENT

from support import ROOT

pytestmark = pytest.mark.slow

FACTUAL = "Unemployment in Ohio rose by 4 percent in 2012 and 25,000 manufacturing jobs were lost that year."
OPINION = "I think we should all be proud of what this country can do together."


def test_run_time_features_of_a_sentence_equal_the_training_features(extractor):
    """Training featurises a one-sentence Doc; at run time the sentence sits in an article."""
    alone = extractor.nlp(FACTUAL)
    text = "The governor spoke on Monday.\n\n" + FACTUAL + "\n\nHe left early."
    article = extractor.nlp(text)
    sent = next(s for s in article.sents if s.text.startswith("Unemployment"))
    trained = checkworthy.doc_features(alone, contextual=True)
    served = checkworthy.DocFeatures(article, contextual=True).features(sent.start, sent.end)
    assert trained.counts == served.counts  # the sparse blocks, syntax included, are exactly the same
    assert len(trained.counts) == len(checkworthy.BLOCKS)
    # Doc.tensor depends on the surrounding text a little (the model's window crosses sentences)
    assert served.dense is not None and served.dense.shape == trained.dense.shape == (192,)
    assert np.corrcoef(trained.dense, served.dense)[0, 1] > 0.9


def test_contextual_block_only_for_the_pipeline_it_was_trained_with(extractor):
    models = ClaimModels.shipped()
    assert models.uses_tensor(extractor.label)
    assert extractor.nlp.get_pipe(COMPONENT).models.contextual
    assert extractor.nlp.get_pipe_config(COMPONENT)["contextual"] is True
    assert not models.uses_tensor("en_core_web_md-3.8.0")
    doc = extractor.nlp(FACTUAL)
    assert checkworthy.DocFeatures(doc, contextual=False).features(0, len(doc)).dense is None


def test_scores_separate_a_factual_claim_from_an_opinion(extractor):
    for contextual in (True, False):  # with another pipeline the sparse blocks still carry the decision
        weights = ClaimModels.shipped().checkworthy
        factual = checkworthy.SentenceScores(extractor.nlp(FACTUAL), weights, contextual)
        opinion = checkworthy.SentenceScores(extractor.nlp(OPINION), weights, contextual)
        assert factual.span(0, len(factual.doc)) > 0.7
        assert opinion.span(0, len(opinion.doc)) < 0.3


# The per-store correction model (extractors/correction.py): pure numpy, fed claim candidates.

OPINIONS = [
    "I think we should all be proud of what this country can do together.",
    "We believe the people of this state deserve better leadership.",
    "This is a disgrace and everyone knows it.",
    "I feel that our best days are still ahead of us.",
    "We must stand together as one nation.",
    "My opponent is simply wrong about the future of this country.",
]
FACTS = [
    "Unemployment in Ohio rose by 4 percent in 2012.",
    "The county lost 25,000 manufacturing jobs between 2008 and 2010.",
    "The bill cut taxes for 3 million households in 2017.",
    "Crime in the city fell 12 percent last year, police figures show.",
    "The deficit reached $587 billion in fiscal 2016.",
    "Turnout was 61 percent, the highest since 1968.",
]


def claim(text: str, score: float, **more: object) -> dict[str, object]:
    numbers = [{"start": 0, "end": 1, "text": "1"}] if any(ch.isdigit() for ch in text) else []
    return {"text": text, "checkworthiness": score, "quote_type": "none", "cue": None, "numbers": numbers, **more}


def test_a_new_correction_model_keeps_the_extractors_score():
    from extractors.correction import CorrectionModel, claim_features

    model = CorrectionModel()
    for score in (0.02, 0.3, 0.5, 0.77, 0.97):
        assert model.score(claim_features(claim("Prices rose.", score))) == pytest.approx(score, abs=1e-9)


def test_a_desk_that_rejects_opinions_sees_them_sink():
    """The extractor scores the opinions high (0.9) and the facts lower (0.6); after the desk rejected
    the opinions and accepted the facts a few times, unseen opinions rank below unseen facts."""
    from extractors.correction import CorrectionModel, claim_features

    model = CorrectionModel()
    unseen_opinion = claim_features(claim("I think our country deserves better than this.", 0.9))
    unseen_fact = claim_features(claim("Exports fell 8 percent in 2015.", 0.6))
    assert model.score(unseen_opinion) > model.score(unseen_fact)
    for _ in range(3):
        for opinion, fact in zip(OPINIONS, FACTS, strict=True):
            model.update(claim_features(claim(opinion, 0.9)), accepted=False)
            model.update(claim_features(claim(fact, 0.6)), accepted=True)
    assert model.score(unseen_opinion) < 0.5 < model.score(unseen_fact)
    assert model.updates == 36 and model.trust() > 0


def test_correction_features_read_the_candidate_fields():
    from extractors.correction import feature_strings

    attributed = claim(
        "We will win 3 states.",
        0.8,
        cue={"start": 0, "end": 4, "text": "Said"},
        speaker={"start": 0, "end": 2, "text": "he", "name": "Donald Trump"},
        quote_type="direct",
        hedges=[{"start": 0, "end": 3, "text": "may"}],
    )
    words, kind = feature_strings(attributed)
    assert {"w:we", "w:<num>", "b:win <num>"} <= set(words)
    assert {"cue:said", "speaker:donald trump", "qt:direct", "numbers:1", "hedges:1", "first-person"} <= set(kind)
    assert {"attributed:False", "qt:none"} <= set(feature_strings(claim("No cue here.", 0.5))[1])


def test_correction_state_round_trips_through_json():
    import json

    from extractors.correction import CorrectionModel, claim_features

    model = CorrectionModel()
    for opinion, fact in zip(OPINIONS, FACTS, strict=True):
        model.update(claim_features(claim(opinion, 0.9)), accepted=False)
        model.update(claim_features(claim(fact, 0.6)), accepted=True)
    again = CorrectionModel.from_dict(json.loads(json.dumps(model.to_dict())))
    for text in [*OPINIONS, *FACTS, "Something else entirely."]:
        f = claim_features(claim(text, 0.7))
        assert again.score(f) == model.score(f)
    assert again.updates == model.updates
    with pytest.raises(ValueError):
        CorrectionModel.from_dict({"version": 99})
    with pytest.raises(ValueError):
        CorrectionModel.from_dict({**model.to_dict(), "ids": [1 << 30], "w": [1.0], "g2": [1.0]})
    with pytest.raises(ValueError):
        CorrectionModel.from_dict({"version": 1})


def test_the_correction_model_never_imports_spacy():
    """The store uses it, and the store never imports spaCy."""
    import subprocess
    import sys

    code = (
        "import sys, extractors.correction\nprint(sorted(m for m in ('spacy', 'textual', 'tui') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_a_desk_that_agrees_with_the_extractor_keeps_its_order():
    """Decisions the extractor's score already predicts teach the features nothing: the trust in them
    stays 0 and unseen claims keep the extractor's order."""
    import random

    from extractors.correction import CorrectionModel, claim_features

    rng = random.Random(3)
    vocab = [f"word{i}" for i in range(400)]

    def sentence() -> str:
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(6, 20))).capitalize() + "."

    model = CorrectionModel()
    for _ in range(300):
        score = rng.random()
        model.update(claim_features(claim(sentence(), score)), accepted=rng.random() < score)
    assert model.trust() == 0.0
    unseen = [claim_features(claim(sentence(), rng.random())) for _ in range(50)]
    assert sorted(unseen, key=model.score) == sorted(unseen, key=lambda f: f.prior)
