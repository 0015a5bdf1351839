"""Train the shipped check-worthiness model (extractors/claims/checkworthy_model.npz), reproducibly.

    python bench/train_checkworthy.py --data ../shared/data/checkworthy [--jobs 2]

Needs the ``eval`` extra (scikit-learn). Data: CheckThat! 2024 task 1 English *train* split only (dev
is for measuring). Features are the function the product uses at run time
(``extractors.claims.checkworthy.feature_counts`` + ``vectorize``) over the same spaCy pipeline as
``newsreview extract``. The idf is computed on train; logistic regression (liblinear, balanced class
weights). Five-fold cross-validation on train (fixed seed) chooses C and the decision threshold; the
model is then refitted on all of train and the threshold folded into the bias, so that a score of 0.5 is that
threshold. Weights and idf are stored as float16.
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
    MODEL_FILE,
    N_FEATURES,
    feature_counts,
    vectorize,
)
from extractors.pipeline import COMPONENT, Extractor


def read_split(data: Path, split: str) -> tuple[list[str], np.ndarray]:
    rows = read_rows(data, split)
    return [r["Text"] for r in rows], np.array([r["class_label"] == "Yes" for r in rows], dtype=np.int64)


def featurize(texts: list[str], model: str | None, jobs: int) -> list:
    nlp = Extractor(model).nlp
    kwargs = {"batch_size": 256, "n_process": jobs} if jobs > 1 else {"batch_size": 256}
    with nlp.select_pipes(disable=[COMPONENT]):
        return [feature_counts(list(doc)) for doc in nlp.pipe(texts, **kwargs)]


def idf_of(counts: list) -> np.ndarray:
    df = np.zeros(N_FEATURES, dtype=np.float64)
    for blocks in counts:
        seen = set().union(*(b.keys() for b in blocks))
        df[list(seen)] += 1
    return (np.log((1 + len(counts)) / (1 + df)) + 1.0).astype(np.float32)


def matrix(counts: list, idf: np.ndarray):
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for blocks in counts:
        idx, val = vectorize(blocks, idf)
        indices.append(idx)
        values.append(val)
        indptr.append(indptr[-1] + len(idx))
    X = csr_matrix((np.concatenate(values), np.concatenate(indices), np.array(indptr)), shape=(len(counts), N_FEATURES))
    X.sum_duplicates()
    return X


def fit(X, y: np.ndarray, C: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=0).fit(X, y)


def f1_at(p: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, float]:
    pred = p >= t
    tp = float((pred & (y == 1)).sum())
    prec = tp / max(1.0, pred.sum())
    rec = tp / max(1.0, (y == 1).sum())
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "checkworthy")
    parser.add_argument("--model", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args()

    texts, y = read_split(args.data, "train")
    t0 = time.perf_counter()
    counts = featurize(texts, args.model, args.jobs)
    print(f"featurized {len(counts)} train sentences in {time.perf_counter() - t0:.0f}s")
    # 5-fold cross-validation on train chooses C and the threshold (pooled out-of-fold scores)
    folds = np.random.default_rng(args.seed).permutation(len(counts)) % args.folds
    best = (0.0, 0.0, 0.0)
    for C in (0.5, 1.0, 2.0, 4.0, 8.0):
        p = np.zeros(len(counts))
        for k in range(args.folds):
            tr, ho = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
            idf = idf_of([counts[i] for i in tr])
            p[ho] = fit(matrix([counts[i] for i in tr], idf), y[tr], C).predict_proba(matrix([counts[i] for i in ho], idf))[:, 1]
        f1, t = max((f1_at(p, y, t)[2], t) for t in np.arange(0.2, 0.95, 0.01))
        print(f"  C={C}: cross-validated F1 {f1:.3f} at threshold {t:.2f}", flush=True)
        best = max(best, (f1, float(t), C))
    f1, t, C = best
    print(f"{args.folds}-fold cross-validation on train: F1 {f1:.3f} with C={C} at threshold {t:.2f}")
    idf = idf_of(counts)  # refit on all of train, shift the bias so that 0.5 is the chosen threshold
    model = fit(matrix(counts, idf), y, C)
    b = float(model.intercept_[0]) - float(np.log(t / (1 - t)))
    np.savez_compressed(args.out, w=model.coef_[0].astype(np.float16), idf=idf.astype(np.float16), b=np.float64(b))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
