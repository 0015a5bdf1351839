"""Check-worthiness: the features the model was trained on are the ones it sees at run time, the
contextual block only applies to the pipeline it was trained with, and the scores separate a factual
claim from an opinion."""

from __future__ import annotations

import numpy as np
import pytest

from extractors.claims import ClaimModels, checkworthy
from extractors.pipeline import COMPONENT

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
