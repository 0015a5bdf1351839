"""Train the shipped content chooser (extractors/claims/content_model.npz), reproducibly.

    python bench/train_contents.py --data ../shared/data/polnear [--jobs 2]

Run after ``bench/train_cues.py`` (which verbs are cues decides which candidates are seen). Needs the
``eval`` extra (scikit-learn). Data: PolNeAR *train* only (first annotator file per article).
Examples: for every verb the cue model accepts at its stored threshold (the product also weighs verbs
a little below it, ``cues.DOUBT``, with their content's score), every content candidate the rules list
(``attribution._verb_candidates``, collected with the rule order deciding); positive when its
character Jaccard with the gold content of an attribution whose Cue span holds the verb is >= 0.5
(verbs that are no gold cue give only negatives, so the model also learns to make no claim).
Features: ``extractors.claims.contents.candidate_features``. Logistic regression (liblinear, L2).
The threshold is chosen end to end: fitted on 80% of the train articles (fixed seed), the threshold
with the best attribution content F1 on the other 20% is kept; then the model is refitted on all of
train. Weights are stored as float16 with the threshold.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from training import save, train_cli, tune_and_fit

from extractors.claims import ClaimModels, contents
from extractors.claims.attribution import find_attributions
from extractors.claims.linear import Weights
from extractors.claims.models import FILES, PACKAGE_DIR


def examples(doc, gold: list[dict], models: ClaimModels) -> tuple[list[list[int]], list[int]]:
    text = doc.text
    trace: list = []
    find_attributions(doc, models, trace=trace)
    X, y = [], []
    for tok, cands in trace:
        golds = [g["content"] for g in gold if tok.idx in g["cue"]]
        first_rule = contents.rule_pick(cands)
        jac = []
        for (start, end), _, _ in cands:
            content = set(range(start, end))
            jac.append(max((len(content & g) / len(content | g) for g in golds), default=0.0))
        for rank, cand in enumerate(cands):
            X.append(contents.feature_ids(tok, cand, rank, len(cands), text, first_rule))
            y.append(int(jac[rank] >= 0.5))
    return X, y


def run(names, docs, gold, C: float, seed: int, out: Path) -> None:
    collecting = ClaimModels.shipped(rule_order=True)  # collect candidates with the rule order deciding
    per_doc = [examples(doc, gold[name], collecting) for name, doc in zip(names, docs, strict=False)]

    def install(model, threshold: float) -> ClaimModels:
        save(model, threshold, out)
        return ClaimModels.shipped().using(contents=Weights(out, FILES["contents"][1]))

    tune_and_fit(
        per_doc,
        names,
        docs,
        gold,
        C=C,
        seed=seed,
        n_features=contents.N_FEATURES,
        thresholds=(0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4),
        install=install,
        what="candidates",
    )
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")


def main() -> None:
    args, names, docs, gold = train_cli(__doc__, 0.2, PACKAGE_DIR / FILES["contents"][0])
    run(names, docs, gold, args.C, args.seed, args.out)


if __name__ == "__main__":
    main()
