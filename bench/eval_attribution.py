"""Attributed claims vs PolNeAR gold attributions, through ``newsreview extract`` itself.

    python bench/eval_attribution.py --data ../shared/data/polnear --split dev [--limit N] [--wrap W]

Runs the real command (``python -m tui extract <texts> -o tmp.json``) on the split's articles and
compares the claims that have a cue with the gold attributions (E lines of the first annotator file
per article, sorted). Matching: a prediction matches a gold attribution when the character Jaccard of
the content spans is >= 0.5 (greedy by Jaccard, each gold and prediction matched at most once); also
with exact spans. Over matched pairs: speaker accuracy (the predicted speaker span or its resolved
name overlaps the gold Source span, or has the same text) and cue accuracy (the spans overlap).
``--wrap W`` hard-wraps every paragraph at W columns first, as e-mail, wire archives and PDFs give
text (a space before a word that would pass column W becomes a line break: the same length, so the
gold offsets hold), to measure what a hard-wrapped text costs attribution. Baseline in the same run: textacy's ``direct_quotations`` (if textacy is installed) on the same Docs.

Also printed: how many unattributed claims overlap an attributed claim's content or cue (one statement,
one claim: must be 0), how many pronoun speakers resolve to the right person on the hand-checked
list ``bench/pronoun_speakers_dev.tsv`` (the speaker accuracy above counts "he" as right whoever it
resolves to), and how the check-worthiness of all claims spreads (quantiles, share >= 0.5,
ties, the range of the per-article medians).
"""

from __future__ import annotations

import argparse
import atexit
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.wrapping import hard_wrap


def char_set(spans: list[tuple[int, int]]) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


def read_gold(ann: Path) -> list[dict]:
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    groups = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offsets = parts[1].partition(" ")
            ranges = [tuple(int(x) for x in r.split()) for r in offsets.split(";")]
            spans[parts[0]] = (kind, ranges, parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            roles = dict(p.split(":", 1) for p in parts[1].split())
            groups.append(roles)
    gold = []
    for roles in groups:
        content = spans.get(roles.get("Content", ""))
        if not content:
            continue
        source = spans.get(roles.get("Source", ""))
        cue = spans.get(roles.get("Cue", ""))
        gold.append(
            {
                "content": char_set(content[1]),
                "source": char_set(source[1]) if source else set(),
                "source_text": source[2] if source else "",
                "cue": char_set(cue[1]) if cue else set(),
            }
        )
    return gold


def load_gold(split: Path, texts: list[Path]) -> dict[str, list[dict]]:
    """Gold attributions per article (by file stem): the first annotator file of each."""
    anns = sorted((split / "attributions").glob("*.ann"))
    gold = {}
    for t in texts:
        first = next((a for a in anns if a.name.startswith(t.stem + "_")), None)
        gold[t.stem] = read_gold(first) if first else []
    return gold


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def score(preds: dict[str, list[dict]], gold: dict[str, list[dict]], exact: bool = False) -> dict:
    tp = n_pred = n_gold = spk = cue = no_source = 0
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # matched, predicted
    for name, gl in gold.items():
        pl = preds.get(name, [])
        n_pred += len(pl)
        n_gold += len(gl)
        pairs = []
        for i, p in enumerate(pl):
            for j, g in enumerate(gl):
                jac = jaccard(p["content"], g["content"])
                if (jac == 1.0) if exact else (jac >= 0.5):
                    pairs.append((jac, i, j))
        used_p, used_g = set(), set()
        for _, i, j in sorted(pairs, reverse=True):
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            tp += 1
            p, g = pl[i], gl[j]
            by_type[p["type"]][0] += 1
            if (p["speaker"] & g["source"]) or (
                p["speaker_text"]
                and g["source_text"]
                and (
                    p["speaker_text"].lower() in g["source_text"].lower()
                    or g["source_text"].lower() in p["speaker_text"].lower()
                )
            ):
                spk += 1
            elif not p["speaker"] and not p["speaker_text"] and not g["source"]:
                no_source += 1  # no speaker where PolNeAR has no source either
            if p["cue"] & g["cue"]:
                cue += 1
        for p in pl:
            by_type[p["type"]][1] += 1
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "p": prec,
        "r": rec,
        "f1": f1,
        "tp": tp,
        "pred": n_pred,
        "gold": n_gold,
        "speaker_acc": spk / tp if tp else 0.0,
        "speaker_acc_no_source": (spk + no_source) / tp if tp else 0.0,
        "cue_acc": cue / tp if tp else 0.0,
        "by_type": dict(by_type),
    }


def extract(texts: list[Path]) -> list[dict]:
    """The articles of ``newsreview extract``'s output, in the order of ``texts``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "extract.json"
        cmd = [sys.executable, "-m", "tui", "extract", *map(str, texts), "-o", str(out), "--order", "article"]
        subprocess.run(cmd, cwd=ROOT, check=True)
        articles: list[dict] = json.loads(out.read_text())["articles"]
    return articles


def overlaps(articles: list[dict]) -> tuple[int, int]:
    """(unattributed claims sharing a character with an attributed claim's content or cue in the same
    article, unattributed claims): one statement should be one claim."""
    count = total = 0
    for art in articles:
        spans = []
        for c in art["claims"]:
            if c["cue"] is not None:
                spans += [(c["start"], c["end"]), (c["cue"]["start"], c["cue"]["end"])]
        for c in art["claims"]:
            if c["cue"] is None:
                total += 1
                count += any(s < c["end"] and c["start"] < e for s, e in spans)
    return count, total


def distribution(articles: list[dict]) -> None:
    """How the check-worthiness of the claims spreads: quantiles, share >= 0.5, ties, per-article medians."""
    groups: dict[str, list[float]] = {"all claims": [], "attributed": [], "unattributed": []}
    medians = []
    tied = 0
    for art in articles:
        values = [c["checkworthiness"] for c in art["claims"]]
        if values:
            medians.append(statistics.median(values))
        counts = Counter(values)
        tied += sum(n for n in counts.values() if n > 1)  # claims sharing their score with another of the article
        for c in art["claims"]:
            groups["all claims"].append(c["checkworthiness"])
            groups["attributed" if c["cue"] is not None else "unattributed"].append(c["checkworthiness"])
    print("check-worthiness of the claims:")
    for name, values in groups.items():
        if not values:
            continue
        qs = statistics.quantiles(values, n=20, method="inclusive")  # 5 % steps
        share = sum(v >= 0.5 for v in values) / len(values)
        print(
            f"  {name:13} n {len(values):5}  min {min(values):.2f}  p10 {qs[1]:.2f}  p25 {qs[4]:.2f}  "
            f"median {qs[9]:.2f}  p75 {qs[14]:.2f}  p90 {qs[17]:.2f}  max {max(values):.2f}  >=0.5 {share:.1%}"
        )
    values = groups["all claims"]
    if values:
        top, n_top = Counter(values).most_common(1)[0]
        print(
            f"  ties: {len(set(values))} distinct values over {len(values)} claims; most common {top:.4f} "
            f"x {n_top}; {tied / len(values):.1%} of claims share their score with another claim of the same article"
        )
        print(
            f"  per-article median: {min(medians):.2f}–{max(medians):.2f} "
            f"(quartiles of the medians {statistics.quantiles(medians, n=4)[0]:.2f} / "
            f"{statistics.quantiles(medians, n=4)[2]:.2f})"
        )


PRONOUN_LABELS = ROOT / "bench" / "pronoun_speakers_dev.tsv"


def pronoun_check(articles: list[dict], texts: list[Path]) -> None:
    """Who "he" and "she" resolve to, against ``bench/pronoun_speakers_dev.tsv`` (judged by hand; dev
    only): right when the claim's speaker name holds the referent's name (or, for "-", names nobody)."""
    if not PRONOUN_LABELS.exists():
        return
    speakers: dict[tuple[str, int], str] = {}
    for path, art in zip(texts, articles, strict=True):
        for c in art["claims"]:
            sp = c["speaker"]
            if sp is not None:
                speakers[path.stem, sp["start"]] = (sp.get("name") or sp["text"]).lower()
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missing = 0
    for line in PRONOUN_LABELS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("article\t"):
            continue
        stem, offset, referent, group = line.split("\t")
        if not any(t.stem == stem for t in texts):
            continue
        total[group] += 1
        name = speakers.get((stem, int(offset)))
        if name is None:
            missing += 1
            continue
        ok = name in ("he", "she", "him", "her") if referent == "-" else referent.lower() in name
        right[group] += ok
    if total:
        parts = [f"{g} {right[g]}/{total[g]}" for g in sorted(total)]
        n, k = sum(total.values()), sum(right.values())
        print(
            f"pronoun speakers resolved to the right person (hand-checked): {k}/{n} = {k / n:.3f}  "
            f"[{', '.join(parts)}; {missing} no longer a claim's speaker]"
        )


def ours(articles: list[dict], texts: list[Path]) -> dict[str, list[dict]]:
    preds: dict[str, list[dict]] = {}
    for path, art in zip(texts, articles, strict=True):
        items = []
        for c in art["claims"]:
            if c["cue"] is None:
                continue
            sp = c["speaker"]
            items.append(
                {
                    "content": set(range(c["start"], c["end"])),
                    "type": c["quote_type"],
                    "cue": set(range(c["cue"]["start"], c["cue"]["end"])),
                    "speaker": set(range(sp["start"], sp["end"])) if sp else set(),
                    "speaker_text": (sp.get("name") or sp["text"]) if sp else "",
                }
            )
        preds[path.stem] = items
    return preds


def textacy_baseline(texts: list[Path]) -> tuple[dict[str, list[dict]], int] | None:
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    sys.path.insert(0, str(ROOT))
    from extractors.nlp import load_model

    nlp = load_model(None)
    preds, crashed = {}, 0
    for path in texts:
        doc = nlp(path.read_text(encoding="utf-8"))
        items = []
        try:
            for q in direct_quotations(doc):
                content = q.content
                speaker = q.speaker
                cue = q.cue
                items.append(
                    {
                        "content": set(range(content.start_char, content.end_char))
                        if hasattr(content, "start_char")
                        else char_set([(t.idx, t.idx + len(t)) for t in content]),
                        "type": "direct",
                        "speaker": char_set([(t.idx, t.idx + len(t)) for t in speaker]),
                        "speaker_text": " ".join(t.text for t in speaker),
                        "cue": char_set([(t.idx, t.idx + len(t)) for t in cue]),
                    }
                )
        except Exception:
            crashed += 1
            items = []
        preds[path.stem] = items
    return preds, crashed


def report(name: str, r: dict, r_exact: dict) -> None:
    print(
        f"{name:10} content (Jaccard>=0.5): P {r['p']:.3f} R {r['r']:.3f} F1 {r['f1']:.3f}  "
        f"[{r['tp']} matched / {r['pred']} predicted / {r['gold']} gold]"
    )
    print(f"{'':10} content (exact):        P {r_exact['p']:.3f} R {r_exact['r']:.3f} F1 {r_exact['f1']:.3f}")
    print(
        f"{'':10} speaker accuracy {r['speaker_acc']:.3f}   cue accuracy {r['cue_acc']:.3f}   "
        f"(speaker, counting no speaker where PolNeAR has no source as right: {r['speaker_acc_no_source']:.3f})"
    )
    for qtype, (matched, predicted) in sorted(r["by_type"].items()):
        print(
            f"{'':10}   {qtype:8} predicted {predicted:5}  matched {matched:5}  precision {matched / predicted if predicted else 0:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--wrap", type=int, default=0, help="hard-wrap every paragraph at this many columns first")
    args = parser.parse_args()
    split = args.data / args.split
    texts = sorted((split / "text").glob("*.txt"))
    if args.limit:
        texts = texts[: args.limit]
    gold = load_gold(split, texts)
    if args.wrap:
        folder = Path(tempfile.mkdtemp(prefix="wrapped-"))
        atexit.register(shutil.rmtree, folder, True)
        wrapped = []
        for t in texts:
            wrapped.append(folder / t.name)
            wrapped[-1].write_text(hard_wrap(t.read_text(encoding="utf-8"), args.wrap), encoding="utf-8")
        texts = wrapped
        print(f"every paragraph hard-wrapped at {args.wrap} columns")
    print(f"PolNeAR {args.split}: {len(texts)} articles, {sum(map(len, gold.values()))} gold attributions")
    articles = extract(texts)
    mine = ours(articles, texts)
    r = score(mine, gold)
    report("newsreview", r, score(mine, gold, exact=True))
    dup, n_unattributed = overlaps(articles)
    print(
        f"one claim per statement: {dup} of {n_unattributed} unattributed claims overlap an attributed "
        "claim's content or cue (must be 0)"
    )
    pronoun_check(articles, texts)
    distribution(articles)
    if not args.no_baseline:
        base = textacy_baseline(texts)
        if base is None:
            print("textacy        not installed (pip install textacy) — baseline skipped")
        else:
            preds, crashed = base
            report("textacy", score(preds, gold), score(preds, gold, exact=True))
            print(
                f"{'':10} textacy direct_quotations raised on {crashed} of {len(texts)} articles (counted as no predictions)"
            )
    print(
        f"overlaps={dup} content_f1={r['f1']:.3f} precision={r['p']:.3f} recall={r['r']:.3f} speaker_acc={r['speaker_acc']:.3f} cue_acc={r['cue_acc']:.3f}"
    )


if __name__ == "__main__":
    main()
