"""Train the shipped cue model (extractors/claims/cue_model.npz), reproducibly.

    python bench/train_cues.py --data ../shared/data/polnear [--jobs 2]

Needs the ``eval`` extra (scikit-learn). Data: PolNeAR *train* only (first annotator file per
article; dev is for measuring). Examples: every verb outside quotation marks and outside any gold
content; positive when it lies in a gold Cue span. Features: ``extractors.claims.cues.cue_features``
(the function used at run time) over the same spaCy pipeline as ``newsreview extract``. Logistic
regression (liblinear, L2). The decision threshold is chosen end to end: the model is fitted on 80%
of the train articles (fixed seed) and the threshold that gives the best attribution content F1
(the metric of ``bench/eval_attribution.py``, with the rule order choosing contents, as the content
chooser is trained after this) on the other 20% is kept; then the model is refitted on
all of train. Weights are stored as float16 with the threshold.
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

from eval_attribution import read_gold, score

from extractors.claims import contents, cues
from extractors.claims.attribution import (
    CUE_LEMMAS,
    _inside,
    find_attributions,
    find_quotes,
)
from extractors.pipeline import COMPONENT, Extractor


def load_split(data: Path, split: str, model: str | None, jobs: int) -> tuple[list[str], list, dict[str, list[dict]]]:
    texts = sorted((data / split / "text").glob("*.txt"))
    anns = sorted((data / split / "attributions").glob("*.ann"))
    gold = {}
    for t in texts:
        first = next((a for a in anns if a.name.startswith(t.stem + "_")), None)
        gold[t.stem] = read_gold(first) if first else []
    nlp = Extractor(model).nlp
    kwargs = {"batch_size": 16, "n_process": jobs} if jobs > 1 else {"batch_size": 16}
    with nlp.select_pipes(disable=[COMPONENT]):
        docs = list(nlp.pipe([t.read_text(encoding="utf-8") for t in texts], **kwargs))
    return [t.stem for t in texts], docs, gold


def examples(doc, gold: list[dict]) -> tuple[list[list[int]], list[int]]:
    cue_chars = set().union(*(g["cue"] for g in gold)) if gold else set()
    content_chars = set().union(*(g["content"] for g in gold)) if gold else set()
    quotes = find_quotes(doc.text)
    X, y = [], []
    for tok in doc:
        if tok.pos_ != "VERB" or tok.idx in content_chars or _inside(tok.idx, quotes):
            continue
        X.append(cues.cue_ids(cues.cue_features(tok, CUE_LEMMAS)))
        y.append(int(tok.idx in cue_chars))
    return X, y


def matrix(rows: list[list[int]]):
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.concatenate([np.array(r, dtype=np.int64) for r in rows])
    X = csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), cues.N_FEATURES))
    X.sum_duplicates()
    X.data = np.minimum(X.data, 1.0)
    return X


def fit(rows: list[list[int]], y: list[int], C: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(matrix(rows), np.array(y))


def install(model, threshold: float, out: Path) -> None:
    np.savez_compressed(out, w=model.coef_[0].astype(np.float16), b=np.float64(model.intercept_[0]),
                        threshold=np.float64(threshold))
    cues.MODEL_FILE = out
    cues._model.cache_clear()


def attribution_f1(names: list[str], docs: list, gold: dict[str, list[dict]]) -> float:
    preds = {}
    for name, doc in zip(names, docs):
        preds[name] = [{"content": set(range(c["start"], c["end"])), "type": c["quote_type"],
                        "cue": set(range(c["cue"]["start"], c["cue"]["end"])), "speaker": set(), "speaker_text": ""}
                       for c in find_attributions(doc)]
    return score(preds, {n: gold[n] for n in names})["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--model", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--C", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=cues.MODEL_FILE)
    args = parser.parse_args()

    t0 = time.perf_counter()
    names, docs, gold = load_split(args.data, "train", args.model, args.jobs)
    print(f"parsed {len(docs)} train articles in {time.perf_counter() - t0:.0f}s", flush=True)
    contents._model = lambda: None  # the content chooser is trained after this, on these cues: use the rule order
    per_doc = [examples(doc, gold[name]) for name, doc in zip(names, docs)]
    order = np.random.default_rng(args.seed).permutation(len(docs))
    cut = int(len(docs) * 0.8)
    fit_ids, tune_ids = sorted(order[:cut]), sorted(order[cut:])
    rows = [r for i in fit_ids for r in per_doc[i][0]]
    ys = [v for i in fit_ids for v in per_doc[i][1]]
    print(f"{len(rows)} verbs ({sum(ys)} cues) in the fitting part", flush=True)
    model = fit(rows, ys, args.C)
    tune_names, tune_docs = [names[i] for i in tune_ids], [docs[i] for i in tune_ids]
    best = (0.0, 0.5)
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        install(model, threshold, args.out)
        f1 = attribution_f1(tune_names, tune_docs, gold)
        print(f"  threshold {threshold:.2f}: content F1 {f1:.3f} on {len(tune_ids)} held-out train articles", flush=True)
        best = max(best, (f1, threshold))
    f1, threshold = best
    print(f"chosen threshold {threshold:.2f} (held-out train content F1 {f1:.3f})")
    rows = [r for X, _ in per_doc for r in X]
    ys = [v for _, y in per_doc for v in y]
    install(fit(rows, ys, args.C), threshold, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) from {len(rows)} verbs ({sum(ys)} cues)")


if __name__ == "__main__":
    main()
