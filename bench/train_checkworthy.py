"""Train the shipped check-worthiness model (extractors/claims/checkworthy_model.npz), reproducibly.

    python bench/train_checkworthy.py --data ../shared/data/checkworthy [--jobs 2]

Needs the ``eval`` extra (scikit-learn). Data: CheckThat! 2024 task 1 English *train* split only (dev
is for measuring). Features are the function the product uses at run time
(``extractors.claims.checkworthy.doc_features`` + ``vectorize``) over the same spaCy pipeline as
``newsreview extract``: hashed sparse blocks (tf-idf, each L2-normalised) beside the pooled
``Doc.tensor`` block (standardised, times a scale). The idf is computed on train; logistic regression
(liblinear, balanced class weights). Five-fold cross-validation on train (fixed seed) chooses C, the
scale of the contextual block (0 leaves it out) and the decision threshold; the model is then refitted
on all of train, the standardisation and scale folded into the contextual weights and the threshold
into the bias, so that a score of 0.5 is that threshold. Sparse weights and idf are stored as float16.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_checkworthy import read_rows

from extractors.claims.checkworthy import (
    N_FEATURES,
    Features,
    doc_features,
    vectorize,
)
from extractors.claims.linear import text_array
from extractors.claims.models import FILES, PACKAGE_DIR
from extractors.pipeline import COMPONENT, Extractor

C_GRID = (0.5, 1.0, 2.0, 4.0)
SCALE_GRID = (0.0, 0.03, 0.05, 0.1)  # weight of the standardised contextual block; 0 leaves it out


def read_split(data: Path, split: str) -> tuple[list[str], np.ndarray]:
    rows = read_rows(data, split)
    return [r["Text"] for r in rows], np.array([r["class_label"] == "Yes" for r in rows], dtype=np.int64)


def featurize(texts: list[str], model: str | None, jobs: int) -> tuple[list[Features], str]:
    """Features of each text, and the label of the spaCy pipeline whose ``Doc.tensor`` they read."""
    extractor = Extractor(model)
    nlp = extractor.nlp
    kwargs = {"batch_size": 256, "n_process": jobs} if jobs > 1 else {"batch_size": 256}
    with nlp.select_pipes(disable=[COMPONENT]):
        feats = [doc_features(doc, contextual=True) for doc in nlp.pipe(texts, **kwargs)]
    return feats, extractor.label


def idf_of(feats: list[Features]) -> np.ndarray:
    df = np.zeros(N_FEATURES, dtype=np.float64)
    for f in feats:
        seen = set().union(*(b.keys() for b in f.counts))
        df[list(seen)] += 1
    return (np.log((1 + len(feats)) / (1 + df)) + 1.0).astype(np.float32)


class Standardise:
    """The contextual block's standardisation, learned from training rows."""

    def __init__(self, feats: list[Features]):
        rows = np.stack([f.dense for f in feats]).astype(np.float64)
        self.mean, self.sd = rows.mean(0), rows.std(0) + 1e-6

    def __call__(self, feats: list[Features]) -> np.ndarray:
        return (np.stack([f.dense for f in feats]) - self.mean) / self.sd


def sparse_matrix(feats: list[Features], idf: np.ndarray):
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for f in feats:
        idx, val = vectorize(f.counts, idf)
        indices.append(idx)
        values.append(val)
        indptr.append(indptr[-1] + len(idx))
    X = csr_matrix((np.concatenate(values), np.concatenate(indices), np.array(indptr)), shape=(len(feats), N_FEATURES))
    X.sum_duplicates()
    return X


def with_dense(X, Z: np.ndarray, scale: float):
    """The sparse blocks beside the standardised contextual block times ``scale`` (0: left out)."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([X, csr_matrix(Z * scale)]).tocsr() if scale else X


def fit(X, y: np.ndarray, C: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=0).fit(X, y)


def f1_at(p: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, float]:
    pred = p >= t
    tp = float((pred & (y == 1)).sum())
    prec = tp / max(1.0, pred.sum())
    rec = tp / max(1.0, (y == 1).sum())
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def cross_validate(
    feats: list[Features], y: np.ndarray, folds: np.ndarray, n_folds: int
) -> tuple[float, float, float, float]:
    """(F1, threshold, C, scale) of the best grid point, from pooled out-of-fold scores. Each fold's
    matrices are built once; the grid only refits."""
    splits = []
    for k in range(n_folds):
        tr, ho = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        train, held = [feats[i] for i in tr], [feats[i] for i in ho]
        idf, standardise = idf_of(train), Standardise(train)
        splits.append(
            (tr, ho, sparse_matrix(train, idf), sparse_matrix(held, idf), standardise(train), standardise(held))
        )
    best = (0.0, 0.0, 0.0, 0.0)
    for scale in SCALE_GRID:
        for C in C_GRID:
            p = np.zeros(len(feats))
            for tr, ho, X_tr, X_ho, Z_tr, Z_ho in splits:
                model = fit(with_dense(X_tr, Z_tr, scale), y[tr], C)
                p[ho] = model.predict_proba(with_dense(X_ho, Z_ho, scale))[:, 1]
            f1, t = max((f1_at(p, y, t)[2], t) for t in np.arange(0.2, 0.95, 0.01))
            print(f"  scale={scale} C={C}: cross-validated F1 {f1:.4f} at threshold {t:.2f}", flush=True)
            best = max(best, (f1, float(t), C, scale))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "checkworthy")
    parser.add_argument("--model", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=PACKAGE_DIR / FILES["checkworthy"][0])
    args = parser.parse_args()

    texts, y = read_split(args.data, "train")
    t0 = time.perf_counter()
    feats, label = featurize(texts, args.model, args.jobs)
    print(f"featurized {len(feats)} train sentences with {label} in {time.perf_counter() - t0:.0f}s")
    if any(f.dense is None for f in feats):
        raise SystemExit(f"{label} sets no Doc.tensor; this script expects a pipeline that does (en_core_web_sm)")
    folds = np.random.default_rng(args.seed).permutation(len(feats)) % args.folds
    f1, t, C, scale = cross_validate(feats, y, folds, args.folds)
    print(
        f"{args.folds}-fold cross-validation on train: F1 {f1:.4f} with C={C}, contextual scale {scale}, threshold {t:.2f}"
    )
    # refit on all of train; fold standardisation and scale into the contextual weights and the
    # threshold into the bias: at run time z = w·x + dense_w·(dense - dense_mean) + b, 0.5 = threshold
    idf, standardise = idf_of(feats), Standardise(feats)
    model = fit(with_dense(sparse_matrix(feats, idf), standardise(feats), scale), y, C)
    coef = model.coef_[0]
    b = float(model.intercept_[0]) - float(np.log(t / (1 - t)))
    arrays = {"w": coef[:N_FEATURES].astype(np.float16), "idf": idf.astype(np.float16), "b": np.float64(b)}
    if scale:
        arrays |= {
            "dense_w": (coef[N_FEATURES:] * scale / standardise.sd).astype(np.float32),
            "dense_mean": standardise.mean.astype(np.float32),
            "tensor_model": text_array(label),
        }
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
