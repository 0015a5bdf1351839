"""What the claim-model training scripts share: PolNeAR loading, hashed binary features, logistic
regression, and the fit-on-80% / choose-threshold-on-20% / refit-on-all procedure.

Used by ``bench/train_cues.py`` and ``bench/train_contents.py``; needs the ``eval`` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_attribution import load_gold, score

from extractors.claims import ClaimModels
from extractors.claims.attribution import find_attributions
from extractors.pipeline import COMPONENT, Extractor

Examples = tuple[list[list[int]], list[int]]  # hashed feature ids per example, labels


def load_split(data: Path, split: str, model: str | None, jobs: int) -> tuple[list[str], list, dict[str, list[dict]]]:
    """Article names, parsed Docs (the pipeline of ``newsreview extract`` without the claims component)
    and gold attributions (first annotator file per article)."""
    texts = sorted((data / split / "text").glob("*.txt"))
    gold = load_gold(data / split, texts)
    nlp = Extractor(model).nlp
    kwargs = {"batch_size": 16, "n_process": jobs} if jobs > 1 else {"batch_size": 16}
    with nlp.select_pipes(disable=[COMPONENT]):
        docs = list(nlp.pipe([t.read_text(encoding="utf-8") for t in texts], **kwargs))
    return [t.stem for t in texts], docs, gold


def train_cli(doc: str, C: float, out: Path) -> tuple[argparse.Namespace, list[str], list, dict[str, list[dict]]]:
    """The scripts' shared options, then PolNeAR train parsed: (args, names, docs, gold)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: as newsreview extract)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--C", type=float, default=C, help="inverse L2 strength of the logistic regression")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args()
    t0 = time.perf_counter()
    names, docs, gold = load_split(args.data, "train", args.model, args.jobs)
    print(f"parsed {len(docs)} train articles in {time.perf_counter() - t0:.0f}s", flush=True)
    return args, names, docs, gold


def attribution_f1(names: list[str], docs: list, gold: dict[str, list[dict]], models: ClaimModels) -> float:
    """Content F1 (Jaccard >= 0.5) of ``find_attributions`` with ``models``, scored as the eval script does."""
    preds = {}
    for name, doc in zip(names, docs, strict=False):
        preds[name] = [
            {
                "content": set(range(c["start"], c["end"])),
                "type": c["quote_type"],
                "cue": set(range(c["cue"]["start"], c["cue"]["end"])),
                "speaker": set(),
                "speaker_text": "",
            }
            for c in find_attributions(doc, models)
        ]
    return score(preds, {n: gold[n] for n in names})["f1"]


def fit(rows: list[list[int]], y: list[int], C: float, n_features: int):
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.concatenate([np.array(r, dtype=np.int64) for r in rows])
    X = csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), n_features))
    X.sum_duplicates()
    X.data = np.minimum(X.data, 1.0)
    return LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=0).fit(X, np.array(y))


def save(model, threshold: float, out: Path) -> None:
    np.savez_compressed(
        out, w=model.coef_[0].astype(np.float16), b=np.float64(model.intercept_[0]), threshold=np.float64(threshold)
    )


def tune_and_fit(
    per_doc: list[Examples],
    names: list[str],
    docs: list,
    gold: dict[str, list[dict]],
    *,
    C: float,
    seed: int,
    n_features: int,
    thresholds: tuple[float, ...],
    install: Callable[[object, float], ClaimModels],
    what: str,
) -> None:
    """Fit on 80% of the articles (fixed seed), keep the threshold with the best attribution content F1
    on the other 20% (``install(model, threshold)`` saves the weights and returns the claim models
    that use them), then refit on every article and install that with the chosen threshold."""
    order = np.random.default_rng(seed).permutation(len(docs))
    cut = int(len(docs) * 0.8)
    fit_ids, tune_ids = sorted(order[:cut]), sorted(order[cut:])
    rows = [r for i in fit_ids for r in per_doc[i][0]]
    ys = [v for i in fit_ids for v in per_doc[i][1]]
    print(f"{len(rows)} {what} ({sum(ys)} positive) in the fitting part", flush=True)
    model = fit(rows, ys, C, n_features)
    tune_names, tune_docs = [names[i] for i in tune_ids], [docs[i] for i in tune_ids]
    best = (-1.0, thresholds[0])
    for threshold in thresholds:
        f1 = attribution_f1(tune_names, tune_docs, gold, install(model, threshold))
        print(
            f"  threshold {threshold:.2f}: content F1 {f1:.3f} on {len(tune_ids)} held-out train articles", flush=True
        )
        best = max(best, (f1, threshold))
    f1, threshold = best
    print(f"chosen threshold {threshold:.2f} (held-out train content F1 {f1:.3f})")
    rows = [r for X, _ in per_doc for r in X]
    ys = [v for _, y in per_doc for v in y]
    install(fit(rows, ys, C, n_features), threshold)
    print(f"refitted on {len(docs)} articles: {len(rows)} {what} ({sum(ys)} positive)")
