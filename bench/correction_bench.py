"""The per-store correction of check-worthiness (``extractors/correction.py``) on a simulated desk.

    python bench/correction_bench.py [--data ../shared/data/polnear] [--cache DIR] [--ct24 ../shared/data/checkworthy]

Desk 1 — PolNeAR: ``newsreview extract`` runs on the train and dev articles (the output is kept in
``--cache`` if given). A claim is *accepted* when its content matches a gold attribution of its article
(character Jaccard >= 0.5, as ``eval_attribution.py`` matches), *rejected* otherwise — unattributed
statements included. The desk decides on the train claims in article order; the model takes each
decision as it comes. Held out: the dev claims (other articles, other annotators' days), ranked by the
extractor's score ("before") and by the corrected score ("after"): average precision of the accepted
claims over all dev claims, the mean per-article average precision (one article's claim list sorted
by score, as the analyst sees it), precision at the top 10 % / 25 %, F1 at 0.5, the AP among the attributed
claims alone (does the model learn more than "has a cue"?), and the same after the first 100, 300 and
1,000 decisions (a young store). The model's settings are its defaults, not tuned on dev.

Desk 2 — CheckThat! 2024 (with ``--ct24``): a desk that accepts check-worthy sentences and rejects the
others (opinions, promises, small talk). Each sentence is extracted as an article of its own. The
extractor's weights were trained on the train split, where its scores are overconfident, so the desk
decides on the first half of the dev split and the second half is held out (F1 of the positive class
at 0.5 and average precision, before and after).

Everything is measured in this run; the model starts from the extractor's own scores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_attribution import jaccard, load_gold
from eval_checkworthy import read_rows

from extractors.correction import ClaimFeatures, CorrectionModel, claim_features


class Decision(NamedTuple):
    features: ClaimFeatures
    accepted: bool
    article: str
    attributed: bool  # the claim has a cue


def run_extract(paths: Sequence[Path], out: Path) -> list[dict]:
    if not out.exists():
        with tempfile.TemporaryDirectory() as tmp:
            part = Path(tmp) / "out.json"
            cmd = [sys.executable, "-m", "tui", "extract", *map(str, paths), "-o", str(part), "--order", "article"]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if proc.returncode not in (0, 1):
                raise SystemExit(proc.stderr)
            out.write_text(part.read_text(encoding="utf-8"), encoding="utf-8")
    articles: list[dict] = json.loads(out.read_text(encoding="utf-8"))["articles"]
    return articles


def polnear_decisions(data: Path, split: str, cache: Path) -> list[Decision]:
    texts = sorted((data / split / "text").glob("*.txt"))
    articles = run_extract(texts, cache / f"polnear-{split}.json")
    gold = load_gold(data / split, texts)
    out: list[Decision] = []
    for path, art in zip(texts, articles, strict=True):
        contents = [g["content"] for g in gold[path.stem]]
        for c in art["claims"]:
            chars = set(range(c["start"], c["end"]))
            accepted = any(jaccard(chars, g) >= 0.5 for g in contents)
            out.append(Decision(claim_features(c), accepted, path.stem, c["cue"] is not None))
    return out


def ct24_decisions(data: Path, split: str, limit: int, cache: Path) -> list[Decision]:
    rows = read_rows(data, split)[: limit or None]
    out_file = cache / f"ct24-{split}-{len(rows)}.json"
    if not out_file.exists():
        batch = cache / f"ct24-{split}-{len(rows)}.jsonl"
        batch.write_text(
            "".join(json.dumps({"id": f"ct-{r['Sentence_id']}", "text": r["Text"]}) + "\n" for r in rows),
            encoding="utf-8",
        )
        run_extract([batch], out_file)
    by_id = {a["id"][3:]: a for a in json.loads(out_file.read_text(encoding="utf-8"))["articles"]}
    out: list[Decision] = []
    for r in rows:
        art = by_id.get(r["Sentence_id"])
        if art is None:
            continue
        # as eval_checkworthy: the sentence's claim (an attributed one carries the sentence's score)
        claim = max(art["claims"], key=lambda c: c["checkworthiness"]) if art["claims"] else None
        if claim is None:  # nothing proposed: the sentence as an unscored claim (score 0)
            claim = {"text": art["text"], "checkworthiness": 0.0, "quote_type": "none"}
        out.append(Decision(claim_features(claim), r["class_label"] == "Yes", r["Sentence_id"], False))
    return out


def average_precision(scores: Sequence[float], labels: Sequence[bool]) -> float:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def precision_at(scores: Sequence[float], labels: Sequence[bool], share: float) -> float:
    k = max(1, round(share * len(scores)))
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    return sum(labels[i] for i in order) / k


def f1_at(scores: Sequence[float], labels: Sequence[bool], threshold: float = 0.5) -> float:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= threshold)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if y and s < threshold)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def per_article_ap(scores: Sequence[float], held: Sequence[Decision]) -> float:
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(held):
        groups.setdefault(d.article, []).append(i)
    aps = [
        average_precision([scores[i] for i in idx], [held[i].accepted for i in idx])
        for idx in groups.values()
        if any(held[i].accepted for i in idx)
    ]
    return sum(aps) / len(aps) if aps else 0.0


def summary(name: str, scores: Sequence[float], held: Sequence[Decision]) -> str:
    labels = [d.accepted for d in held]
    line = (
        f"  {name:22} AP {average_precision(scores, labels):.3f}  per-article AP {per_article_ap(scores, held):.3f}  "
        f"P@10% {precision_at(scores, labels, 0.10):.3f}  P@25% {precision_at(scores, labels, 0.25):.3f}  "
        f"F1@0.5 {f1_at(scores, labels):.3f}"
    )
    inner = [i for i, d in enumerate(held) if d.attributed]
    if inner and len(inner) < len(held):  # among attributed claims alone: more than "has a cue"
        sub = average_precision([scores[i] for i in inner], [labels[i] for i in inner])
        line += f"  | attributed only AP {sub:.3f}"
    return line


def simulate(train: list[Decision], held: list[Decision], checkpoints: Sequence[int]) -> dict[int, list[float]]:
    """The held-out scores after each checkpoint's number of decisions (0: the extractor's own)."""
    model = CorrectionModel()
    out = {0: [model.score(d.features) for d in held]}
    done = 0
    for n in sorted(set(checkpoints)):
        for d in train[done:n]:
            model.update(d.features, d.accepted)
        done = min(n, len(train))
        out[n] = [model.score(d.features) for d in held]
    return out


def report(title: str, train: list[Decision], held: list[Decision], steps: Sequence[int]) -> None:
    n_acc = sum(d.accepted for d in train)
    h_acc = sum(d.accepted for d in held)
    print(f"{title}: desk decides on {len(train)} claims ({n_acc} accepted); held out {len(held)} ({h_acc} accepted)")
    checkpoints = [n for n in steps if n < len(train)] + [len(train)]
    results = simulate(train, held, checkpoints)
    for n, scores in results.items():
        print(summary("extractor (before)" if n == 0 else f"after {n} decisions", scores, held))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--cache", type=Path, default=None, help="keep the extraction output here (reused)")
    parser.add_argument("--ct24", type=Path, default=None, help="also the CheckThat! 2024 desk (data folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        train = polnear_decisions(args.data, "train", cache)
        held = polnear_decisions(args.data, "dev", cache)
        report("PolNeAR desk (accept = matches a gold attribution)", train, held, (100, 300, 1000))
        if args.ct24:
            # the extractor was trained on CT24 train: its scores there are no desk's fresh claims, so
            # the desk decides on the first half of dev and the second half is held out
            dev = ct24_decisions(args.ct24, "dev", 0, cache)
            half = len(dev) // 2
            report("CT24 desk (accept = check-worthy; dev halves)", dev[:half], dev[half:], (100, 300))


if __name__ == "__main__":
    main()
