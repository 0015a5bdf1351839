"""Check-worthiness: a logistic-regression model over hashed tf-idf features of a sentence.

Features (one hashed space of ``N_FEATURES`` buckets, each block L2-normalised on its own):

- ``spacy``: what the Doc already knows — lemmas and lemma bigrams, parts of speech, entity types,
  subjects, tense, numbers, hedges, length;
- ``words``: lower-cased word unigrams and bigrams;
- ``chars``: character 2–5-grams inside each word (padded with spaces), which carry morphology
  ("-ed", "per-", "%") and spelling variants the word blocks miss.

Values are sublinear tf × idf, the idf learned with the weights. Trained by
``bench/train_checkworthy.py`` on the CheckThat! 2024 task 1 English training split (ClaimBuster
sentences from US presidential debates); weights and idf ship as ``checkworthy_model.npz``
(float16). The bias is shifted so that 0.5 is the decision threshold chosen by 5-fold
cross-validation on the training data.

``find_unattributed`` proposes sentences that are not already an attributed claim and score >= 0.5;
``score_claims`` sets ``checkworthiness`` on every claim from the sentence(s) it sits in.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    IS_SPACE,
    LEMMA,
    LIKE_NUM,
    LOWER,
    ORTH,
    POS,
    TAG,
)

from .linear import Weights, hash_id, logistic

MODEL_FILE = Path(__file__).with_name("checkworthy_model.npz")
WEIGHTS = Weights(MODEL_FILE, "bench/train_checkworthy.py")
N_FEATURES = 1 << 20
EMIT_THRESHOLD = 0.5
HEDGE_WORDS = frozenset("reportedly allegedly apparently believed thought estimated may might could".split())
BLOCKS = ("spacy", "words", "chars")


def _h(feature: str) -> int:
    return hash_id(feature, N_FEATURES)


class _Word(NamedTuple):
    """What the features read of one token, worked out once per distinct token (see ``_word``)."""
    lower: str
    lemma: str  # lower-cased, "<num>" for number-like tokens
    fixed: tuple[int, ...]  # its spacy-block feature ids that do not depend on the neighbours
    word: int  # its word-unigram id
    chars: tuple[int, ...]  # its character n-gram ids
    has_num: bool
    question: bool


#: the token attributes the features read, in the column order of ``Doc.to_array``
ATTRS = (ORTH, LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, ENT_IOB, IS_SPACE, LIKE_NUM)
_IOB_BEGIN = 3  # Doc.to_array's code for ent_iob_ "B"
_words: dict[tuple[int, ...], _Word | None] = {}  # keyed by a row of hashes, which are the same in any vocab
_MAX_WORDS = 1 << 15


def _word(row: tuple[int, ...], strings: Any) -> _Word | None:
    """A token's features from its ``ATTRS`` row (None for whitespace). Hashes name the same string in
    every StringStore, so rows from different Docs share the cache."""
    if row in _words:
        return _words[row]
    orth, lower_h, lemma_h, pos_h, tag_h, dep_h, ent_h, iob, is_space, like_num = row
    if is_space:
        _words[row] = None
        return None
    text, lower = strings[orth], strings[lower_h]
    pos, tag, dep, ent = (strings[h] if h else "" for h in (pos_h, tag_h, dep_h, ent_h))
    lemma = "<num>" if like_num else strings[lemma_h].lower()
    fixed = ["l:" + lemma, "p:" + pos]
    if ent:
        fixed.append("e:" + ent)
        if iob == _IOB_BEGIN:
            fixed.append("eb:" + ent)
    if dep in ("nsubj", "nsubjpass"):
        fixed.append("subj:" + (ent or pos) + (":" + lower if pos == "PRON" else ""))
    if tag in ("VBD", "VBN"):
        fixed.append("past")
    if lower in HEDGE_WORDS:
        fixed.append("hedge")
    word = _Word(lower, lemma, tuple(_word_id(f) for f in fixed), _word_id("w:" + lower), _char_ids(lower),
                 bool(like_num) or any(ch.isdigit() for ch in text), text == "?")
    if len(_words) >= _MAX_WORDS:
        _words.clear()  # bounded (about 1 kB an entry); the common words come back at once
    _words[row] = word
    return word


@lru_cache(maxsize=65536)
def _char_ids(word: str) -> tuple[int, ...]:
    padded = f" {word} "
    return tuple(_h("c:" + padded[i:i + n]) for n in range(2, 6) for i in range(len(padded) - n + 1))


@lru_cache(maxsize=65536)
def _word_id(feature: str) -> int:
    return _h(feature)


def token_rows(doc: Any) -> list[tuple[int, ...]]:
    """The Doc's ``ATTRS`` per token, read in one call: through Token objects it was most of the cost."""
    return [tuple(r) for r in doc.to_array(list(ATTRS)).tolist()]


def feature_counts_rows(rows: list[tuple[int, ...]], strings: Any) -> list[Counter[int]]:
    """Hashed feature counts of a run of tokens given as ``token_rows``, one Counter per block (BLOCKS):

    - spacy: "bias", a length bucket, per word its lemma ("<num>" for numbers), the lemma bigram, the
      part of speech, the first two words, entity type (and "B" tokens again), subjects by entity
      type or part of speech (pronouns by word), past tense, hedge words; after the last word the
      closing lemma bigram, "has_num" if any word has a digit or is number-like, "question";
    - words: lower-cased word unigrams and bigrams;
    - chars: character 2–5-grams of each lower-cased word, padded with spaces.
    """
    return _counts([w for w in (_word(r, strings) for r in rows) if w is not None])


def _counts(words: list[_Word]) -> list[Counter[int]]:
    spacy_ids = [_word_id("bias"), _word_id(f"len:{min(len(words) // 4, 12)}")]
    word_ids: list[int] = []
    char_ids: list[int] = []
    prev_lemma, prev_lower, has_num = "<s>", "<s>", False
    for i, w in enumerate(words):
        spacy_ids.extend(w.fixed)
        spacy_ids.append(_word_id("b:" + prev_lemma + "_" + w.lemma))
        if i < 2:
            spacy_ids.append(_word_id(f"f{i}:" + w.lower))
        word_ids.append(w.word)
        word_ids.append(_word_id("w2:" + prev_lower + " " + w.lower))
        char_ids.extend(w.chars)
        has_num = has_num or w.has_num
        prev_lemma, prev_lower = w.lemma, w.lower
    spacy_ids.append(_word_id("b:" + prev_lemma + "_</s>"))
    if has_num:
        spacy_ids.append(_word_id("has_num"))
    if words and words[-1].question:
        spacy_ids.append(_word_id("question"))
    return [Counter(spacy_ids), Counter(word_ids), Counter(char_ids)]


def feature_counts(tokens: Any) -> list[Counter[int]]:
    """Feature counts of a contiguous run of spaCy tokens (a sentence, a Doc) — for training."""
    tokens = list(tokens)
    if not tokens:
        return _counts([])
    doc = tokens[0].doc
    return feature_counts_rows(token_rows(doc)[tokens[0].i:tokens[-1].i + 1], doc.vocab.strings)


def vectorize(counts: list[Counter[int]], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse tf-idf vector (indices, values): sublinear tf, idf weights, each block L2-normalised."""
    all_idx, all_val = [], []
    for block in counts:
        if not block:
            continue
        idx = np.fromiter(block.keys(), dtype=np.int64, count=len(block))
        tf = np.fromiter(block.values(), dtype=np.float32, count=len(block))
        val = (1.0 + np.log(tf)) * idf[idx]
        norm = float(np.sqrt((val * val).sum())) or 1.0
        all_idx.append(idx)
        all_val.append(val / norm)
    if not all_idx:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(all_idx), np.concatenate(all_val)


def _score(counts: list[Counter[int]]) -> float:
    idx, val = vectorize(counts, WEIGHTS["idf"])
    return logistic(float(WEIGHTS["w"][idx] @ val) + WEIGHTS["b"])


class SentenceScores:
    """Check-worthiness of runs of one Doc's tokens: the Doc's token rows are read once, each run
    (a sentence, the sentences a claim spans) is scored once."""

    def __init__(self, doc: Any):
        self.doc = doc
        self.strings = doc.vocab.strings
        self.rows = token_rows(doc)
        self.scores: dict[tuple[int, int], float] = {}

    def span(self, start: int, end: int) -> float:
        """Tokens ``doc[start:end]``."""
        if (start, end) not in self.scores:
            self.scores[start, end] = _score(feature_counts_rows(self.rows[start:end], self.strings))
        return self.scores[start, end]

    def sents(self, sents: list[Any]) -> float:
        """Consecutive sentences taken together."""
        return self.span(sents[0].start, sents[-1].end)


def score_claims(doc: Any, sents: list[Any], claims: list[dict[str, Any]],
                 scores: SentenceScores | None = None) -> None:
    """Set ``checkworthiness`` from the sentence(s) a claim sits in (unattributed ones already have it);
    pass the ``scores`` ``find_unattributed`` used so no sentence is scored twice."""
    scores = SentenceScores(doc) if scores is None else scores
    for claim in claims:
        if "checkworthiness" in claim:
            continue
        covering = [s for s in sents if s.start_char < claim["end"] and s.end_char > claim["start"]]
        if covering:
            claim["checkworthiness"] = round(scores.sents(covering), 4)
            continue
        tokens = doc.char_span(claim["start"], claim["end"], alignment_mode="expand")
        claim["checkworthiness"] = round(scores.span(tokens.start, tokens.end), 4) if tokens else 0.0


def find_unattributed(text: str, sents: list[Any], attributed: list[dict[str, Any]],
                      scores: SentenceScores | None = None) -> list[dict[str, Any]]:
    if not sents:
        return []
    scores = SentenceScores(sents[0].doc) if scores is None else scores
    out = []
    for sent in sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end - start < 12 or sum(1 for t in sent if t.is_alpha) < 4:
            continue
        covered = max((min(end, c["end"]) - max(start, c["start"]) for c in attributed), default=0)
        if covered >= 0.5 * (end - start):
            continue  # mostly one attributed statement already; short ones leave the sentence to check
        score = scores.sents([sent])
        if score >= EMIT_THRESHOLD:
            out.append({"start": start, "end": end, "speaker": None, "cue": None, "quote_type": "none",
                        "checkworthiness": round(score, 4)})
    return out
