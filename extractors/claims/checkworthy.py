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
from typing import Any

import numpy as np

from .linear import Weights, hash_id, logistic

MODEL_FILE = Path(__file__).with_name("checkworthy_model.npz")
WEIGHTS = Weights(MODEL_FILE, "bench/train_checkworthy.py")
N_FEATURES = 1 << 20
EMIT_THRESHOLD = 0.5
HEDGE_WORDS = frozenset("reportedly allegedly apparently believed thought estimated may might could".split())
BLOCKS = ("spacy", "words", "chars")


def _h(feature: str) -> int:
    return hash_id(feature, N_FEATURES)


def spacy_features(words: list[Any]) -> list[str]:
    """Features of a run of spaCy tokens (one sentence, usually) from the Doc's annotations."""
    feats = ["bias", f"len:{min(len(words) // 4, 12)}"]
    prev = "<s>"
    has_num = False
    for i, t in enumerate(words):
        lemma = t.lemma_.lower() if not t.like_num else "<num>"
        feats.append("l:" + lemma)
        feats.append("b:" + prev + "_" + lemma)
        feats.append("p:" + t.pos_)
        if i < 2:
            feats.append(f"f{i}:" + t.lower_)
        if t.ent_type_:
            feats.append("e:" + t.ent_type_)
            if t.ent_iob_ == "B":
                feats.append("eb:" + t.ent_type_)
        if t.like_num or any(ch.isdigit() for ch in t.text):
            has_num = True
        if t.dep_ in ("nsubj", "nsubjpass"):
            feats.append("subj:" + (t.ent_type_ or t.pos_) + (":" + t.lower_ if t.pos_ == "PRON" else ""))
        if t.tag_ in ("VBD", "VBN"):
            feats.append("past")
        if t.lower_ in HEDGE_WORDS:
            feats.append("hedge")
        prev = lemma
    feats.append("b:" + prev + "_</s>")
    if has_num:
        feats.append("has_num")
    if words and words[-1].text == "?":
        feats.append("question")
    return feats


@lru_cache(maxsize=65536)
def _char_ids(word: str) -> tuple[int, ...]:
    padded = f" {word} "
    return tuple(_h("c:" + padded[i:i + n]) for n in range(2, 6) for i in range(len(padded) - n + 1))


@lru_cache(maxsize=65536)
def _word_id(feature: str) -> int:
    return _h(feature)


def feature_counts(tokens: Any) -> list[Counter[int]]:
    """Hashed feature counts of a run of spaCy tokens, one Counter per block (see BLOCKS)."""
    words = [t for t in tokens if not t.is_space]
    spacy_block = Counter(_word_id(f) for f in spacy_features(words))
    lowered = [t.lower_ for t in words]
    word_block: Counter[int] = Counter()
    char_block: Counter[int] = Counter()
    prev = "<s>"
    for w in lowered:
        word_block[_word_id("w:" + w)] += 1
        word_block[_word_id("w2:" + prev + " " + w)] += 1
        char_block.update(_char_ids(w))
        prev = w
    return [spacy_block, word_block, char_block]


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


def score_tokens(tokens: Any) -> float:
    idx, val = vectorize(feature_counts(tokens), WEIGHTS["idf"])
    return logistic(float(WEIGHTS["w"][idx] @ val) + WEIGHTS["b"])


def _score_sents(sents: list[Any], cache: dict[tuple[int, ...], float]) -> float:
    key = tuple(s.start for s in sents)
    if key not in cache:
        cache[key] = score_tokens([t for s in sents for t in s])
    return cache[key]


def score_claims(doc: Any, sents: list[Any], claims: list[dict[str, Any]],
                 cache: dict[tuple[int, ...], float] | None = None) -> None:
    """Set ``checkworthiness`` from the sentence(s) a claim sits in (unattributed ones already have it).
    ``cache`` holds the scores ``find_unattributed`` already computed, keyed by sentence starts."""
    cache = {} if cache is None else cache
    for claim in claims:
        if "checkworthiness" in claim:
            continue
        covering = [s for s in sents if s.start_char < claim["end"] and s.end_char > claim["start"]]
        if covering:
            claim["checkworthiness"] = round(_score_sents(covering, cache), 4)
            continue
        tokens = list(doc.char_span(claim["start"], claim["end"], alignment_mode="expand") or [])
        claim["checkworthiness"] = round(score_tokens(tokens), 4) if tokens else 0.0


def find_unattributed(text: str, sents: list[Any], attributed: list[dict[str, Any]],
                      cache: dict[tuple[int, ...], float] | None = None) -> list[dict[str, Any]]:
    cache = {} if cache is None else cache
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
        score = _score_sents([sent], cache)
        if score >= EMIT_THRESHOLD:
            out.append({"start": start, "end": end, "speaker": None, "cue": None, "quote_type": "none",
                        "checkworthiness": round(score, 4)})
    return out
