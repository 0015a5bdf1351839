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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from training import save, train_cli, tune_and_fit

from extractors.claims import ClaimModels, cues
from extractors.claims.linear import Weights
from extractors.claims.models import FILES, PACKAGE_DIR
from extractors.quotes import Quotes


def examples(doc, gold: list[dict]) -> tuple[list[list[int]], list[int]]:
    cue_chars = set().union(*(g["cue"] for g in gold)) if gold else set()
    content_chars = set().union(*(g["content"] for g in gold)) if gold else set()
    quotes = Quotes(doc.text)
    X, y = [], []
    for tok in doc:
        if tok.pos_ != "VERB" or tok.idx in content_chars or quotes.containing(tok.idx) is not None:
            continue
        X.append(cues.cue_ids(cues.cue_features(tok)))
        y.append(int(tok.idx in cue_chars))
    return X, y


def main() -> None:
    file, script = FILES["cues"]
    args, names, docs, gold = train_cli(__doc__, 0.5, PACKAGE_DIR / file)
    # the content chooser is trained after this, on these cues: the rule order picks contents meanwhile
    models = ClaimModels.shipped(rule_order=True)
    per_doc = [examples(doc, gold[name]) for name, doc in zip(names, docs, strict=False)]

    def install(model, threshold: float) -> ClaimModels:
        save(model, threshold, args.out)
        return models.using(cues=Weights(args.out, script))

    tune_and_fit(
        per_doc,
        names,
        docs,
        gold,
        C=args.C,
        seed=args.seed,
        n_features=cues.N_FEATURES,
        thresholds=(0.3, 0.4, 0.5, 0.6, 0.7),
        install=install,
        what="verbs",
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
