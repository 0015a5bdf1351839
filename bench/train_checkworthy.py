"""Train the shipped check-worthiness model (extractors/claims/checkworthy_model.npz), reproducibly.

    python bench/train_checkworthy.py --data ../shared/data/checkworthy [--jobs 2]

Data: CheckThat! 2024 task 1 English *train* split only (dev is for measuring). 10% of train (fixed
seed) is held out to choose the decision threshold, which is folded into the bias so that a score of
0.5 is that threshold. Features are the same function the product uses at run time
(``extractors.claims.checkworthy.features``) over the same spaCy pipeline. Logistic regression with
AdaGrad and L2, in numpy; weights stored as float16.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.claims.checkworthy import MODEL_FILE, N_FEATURES, features  # noqa: E402
from extractors.nlp import load_model  # noqa: E402


def read_split(data: Path, split: str) -> tuple[list[str], np.ndarray]:
    path = data / f"ct24_english_{split}.tsv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["Text"] for r in rows], np.array([r["class_label"] == "Yes" for r in rows], dtype=np.float32)


def featurize(nlp, texts: list[str], jobs: int) -> list[np.ndarray]:
    kwargs = {"batch_size": 256}
    if jobs > 1:
        kwargs["n_process"] = jobs
    return [np.array(features(list(doc)), dtype=np.int64) for doc in nlp.pipe(texts, **kwargs)]


def train(X: list[np.ndarray], y: np.ndarray, epochs: int, lr: float, l2: float, seed: int) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    w = np.zeros(N_FEATURES, dtype=np.float64)
    g2 = np.full(N_FEATURES, 1e-8)
    b, gb2 = 0.0, 1e-8
    pos_weight = float((1 - y).sum() / max(1.0, y.sum()))
    for _ in range(epochs):
        for i in rng.permutation(len(X)):
            idx = X[i]
            z = w[idx].sum() + b
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            weight = pos_weight if y[i] else 1.0
            g = (p - y[i]) * weight
            grad = g + l2 * w[idx]
            np.add.at(g2, idx, grad * grad)
            np.subtract.at(w, idx, lr * grad / np.sqrt(g2[idx]))
            gb2 += g * g
            b -= lr * g / np.sqrt(gb2)
    return w, b


def scores(w: np.ndarray, b: float, X: list[np.ndarray]) -> np.ndarray:
    z = np.array([w[idx].sum() + b for idx in X])
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


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
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--l2", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args()

    texts, y = read_split(args.data, "train")
    t0 = time.perf_counter()
    nlp = load_model(args.model)
    X = featurize(nlp, texts, args.jobs)
    print(f"featurized {len(X)} train sentences in {time.perf_counter() - t0:.0f}s")
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(X))
    cut = int(len(X) * 0.9)
    tr, ho = order[:cut], order[cut:]
    w, b = train([X[i] for i in tr], y[tr], args.epochs, args.lr, args.l2, args.seed)
    p = scores(w, b, [X[i] for i in ho])
    best = max((f1_at(p, y[ho], t)[2], t) for t in np.arange(0.2, 0.95, 0.01))
    prec, rec, f1 = f1_at(p, y[ho], best[1])
    print(f"held-out 10% of train: P {prec:.3f} R {rec:.3f} F1 {f1:.3f} at threshold {best[1]:.2f}")
    # retrain on all of train, shift the bias so that 0.5 is the chosen threshold
    w, b = train(X, y, args.epochs, args.lr, args.l2, args.seed)
    t = float(best[1])
    b -= float(np.log(t / (1 - t)))
    np.savez_compressed(args.out, w=w.astype(np.float16), b=np.float64(b))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
