"""Check-worthiness: a small logistic-regression model over features of the spaCy Doc already computed.

Trained by ``bench/train_checkworthy.py`` on the CheckThat! 2024 task 1 English training split
(ClaimBuster sentences from US presidential debates); weights ship as ``checkworthy_model.npz``
(hashed features, float16). Scores are calibrated so that 0.5 is the decision threshold chosen on a
held-out part of the training data.

``find_unattributed`` proposes sentences that are not already an attributed claim and score >= 0.5;
``score_claims`` sets ``checkworthiness`` on every claim from the sentence(s) it sits in.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = Path(__file__).with_name("checkworthy_model.npz")
N_FEATURES = 1 << 18
EMIT_THRESHOLD = 0.5
HEDGE_WORDS = frozenset("reportedly allegedly apparently believed thought estimated may might could".split())


def _h(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def features(tokens: Any) -> list[int]:
    """Hashed feature indices of a run of spaCy tokens (one sentence, usually)."""
    feats = ["bias"]
    words = [t for t in tokens if not t.is_space]
    n = len(words)
    feats.append(f"len:{min(n // 4, 12)}")
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
        if t.dep_ in ("nsubj", "nsubjpass") :
            feats.append("subj:" + (t.ent_type_ or t.pos_) + ":" + t.lower_ if t.pos_ == "PRON" else "subj:" + (t.ent_type_ or t.pos_))
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
    return [_h(f) for f in feats]


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, float]:
    if not MODEL_FILE.exists():
        raise RuntimeError(f"check-worthiness weights missing: {MODEL_FILE}; run bench/train_checkworthy.py")
    data = np.load(MODEL_FILE)
    return data["w"].astype(np.float32), float(data["b"])


def score_tokens(tokens: Any) -> float:
    w, b = _model()
    idx = features(tokens)
    z = float(w[idx].sum()) + b
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def score_claims(doc: Any, sents: list[Any], claims: list[dict[str, Any]]) -> None:
    """Set ``checkworthiness`` from the sentence(s) a claim sits in (unattributed ones already have it)."""
    for claim in claims:
        if "checkworthiness" in claim:
            continue
        covering = [s for s in sents if s.start_char < claim["end"] and s.end_char > claim["start"]]
        tokens = [t for s in covering for t in s] or list(
            doc.char_span(claim["start"], claim["end"], alignment_mode="expand") or [])
        claim["checkworthiness"] = round(score_tokens(tokens), 4) if tokens else 0.0


def find_unattributed(text: str, sents: list[Any], attributed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for sent in sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end - start < 12 or sum(1 for t in sent if t.is_alpha) < 4:
            continue
        covered = sum(max(0, min(end, c["end"]) - max(start, c["start"])) for c in attributed)
        if covered >= 0.5 * (end - start):
            continue  # mostly an attributed statement already; a short attribution leaves the rest to check
        score = score_tokens(list(sent))
        if score >= EMIT_THRESHOLD:
            out.append({"start": start, "end": end, "speaker": None, "cue": None, "quote_type": "none",
                        "checkworthiness": round(score, 4)})
    return out
