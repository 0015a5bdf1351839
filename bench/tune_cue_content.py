"""Choose how the cue score and the content score decide together whether a verb makes a claim.

    python bench/tune_cue_content.py --data ../shared/data/polnear [--jobs 2]

Run after ``bench/train_contents.py``. Each verb has a cue score (``cues.py``) and its best content
candidate a score (``contents.py``). A verb makes a claim when its cue score reaches a floor, its best
content reaches the chooser's stored threshold, and

    logit(cue) + lam * logit(content) >= theta

The shipped rule is floor 0.4, lam 1, theta 0 — "cue + content >= 1" — ``cues.DOUBT`` (the floor is
the cue model's threshold less it) and
``contents.choose``. This script scores the grid on PolNeAR *train* (content F1 of ``find_attributions``
over all 840 articles, the split the two models were fitted on: the grid has four numbers, not a
model), prints it, picks the best, and only then prints the dev figure of the pick and of the old rule
(cue >= the cue model's threshold 0.5, content >= its threshold).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from training import attribution_f1, load_split

from extractors.claims import ClaimModels, attribution, contents


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def install(floor: float, lam: float, theta: float | None) -> None:
    """Make ``find_attributions`` use this rule (``theta`` None: the content threshold alone decides)."""
    attribution.DOUBT = attribution.ClaimModels.shipped().cues.scalar("threshold") - floor

    def choose(tok, cands, text, weights, cue=None):
        pick = contents.choose(tok, cands, text, weights)
        if pick is None or cue is None or theta is None:
            return pick
        best = max(contents.scores(tok, cands, text, weights))
        return pick if logit(cue) + lam * logit(best) >= theta else None

    attribution.choose = choose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    t0 = time.perf_counter()
    names, docs, gold = load_split(args.data, "train", None, args.jobs)
    print(f"parsed {len(docs)} train articles in {time.perf_counter() - t0:.0f}s", flush=True)
    models = ClaimModels.shipped()
    threshold = models.cues.scalar("threshold")
    install(threshold, 0.0, None)
    old = attribution_f1(names, docs, gold, models)
    print(f"old rule (cue >= {threshold:.2f}): train content F1 {old:.4f}", flush=True)
    results = []
    for floor, lam, theta in itertools.product((0.3, 0.4), (0.5, 1.0, 2.0), (-1.0, -0.5, 0.0, 0.5, 1.0)):
        install(floor, lam, theta)
        f1 = attribution_f1(names, docs, gold, models)
        results.append((f1, floor, lam, theta))
        print(f"  floor {floor:.1f}  lam {lam:.1f}  theta {theta:+.1f}: train content F1 {f1:.4f}", flush=True)
    f1, floor, lam, theta = max(results)
    print(f"chosen floor {floor:.1f} lam {lam:.1f} theta {theta:+.1f} (train {f1:.4f}, old rule {old:.4f})")
    names, docs, gold = load_split(args.data, "dev", None, args.jobs)
    install(floor, lam, theta)
    dev = attribution_f1(names, docs, gold, models)
    install(threshold, 0.0, None)
    dev_old = attribution_f1(names, docs, gold, models)
    print(f"dev content F1: {dev:.4f} (old rule {dev_old:.4f})")


if __name__ == "__main__":
    main()
