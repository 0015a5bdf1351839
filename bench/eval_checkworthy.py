"""Check-worthiness vs CheckThat! 2024 task 1 (English), through ``newsreview extract`` itself.

    python bench/eval_checkworthy.py --data ../shared/data/checkworthy --split dev

Each sentence becomes one JSONL article; the real command (``python -m tui extract``) runs on the
batch; a sentence is predicted check-worthy when one of its claims has checkworthiness >= 0.5 (one
statement, one claim: an attributed claim in the sentence carries the sentence's score, no second
unattributed claim repeats it).
Prints precision, recall and F1 of the positive (Yes) class, and the all-Yes baseline for context.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_rows(data: Path, split: str) -> list[dict[str, str]]:
    """The rows of CT24 task 1 English ``split`` (Sentence_id, Text, class_label)."""
    with open(data / f"ct24_english_{split}.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "checkworthy")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    rows = read_rows(args.data, args.split)
    gold = {r["Sentence_id"]: r["class_label"] == "Yes" for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "sentences.jsonl"
        batch.write_text(
            "".join(json.dumps({"id": f"ct-{r['Sentence_id']}", "text": r["Text"]}) + "\n" for r in rows),
            encoding="utf-8",
        )
        out = Path(tmp) / "out.json"
        proc = subprocess.run(
            [sys.executable, "-m", "tui", "extract", str(batch), "-o", str(out), "--jobs", "2"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr)
        data = json.loads(out.read_text())
    predicted = {}
    for art in data["articles"]:
        # one statement, one claim: a sentence holding an attributed claim is that claim, which carries the
        # sentence's score (an unattributed claim is the sentence itself)
        predicted[art["id"][3:]] = any(c["checkworthiness"] >= args.threshold for c in art["claims"])
    missing = [sid for sid in gold if sid not in predicted]
    tp = sum(1 for sid, y in gold.items() if y and predicted.get(sid))
    fp = sum(1 for sid, y in gold.items() if not y and predicted.get(sid))
    fn = sum(1 for sid, y in gold.items() if y and not predicted.get(sid))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    pos = sum(gold.values())
    base_p = pos / len(gold)
    print(f"CT24 {args.split}: {len(gold)} sentences, {pos} check-worthy; {len(missing)} not extracted (empty/invalid)")
    print(f"newsreview  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  (threshold {args.threshold})")
    print(f"all-Yes     P {base_p:.3f}  R 1.000  F1 {2 * base_p / (base_p + 1):.3f}")
    print(f"checkworthy_f1={f1:.3f} precision={p:.3f} recall={r:.3f}")


if __name__ == "__main__":
    main()
