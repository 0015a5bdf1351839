"""What an analyst waits for when exporting a big store: the first byte, the whole, and the memory.

    python bench/export_bench.py [--articles 10000] [--runs 2] [--formats json,jsonl] [--against OTHER_CHECKOUT]

Builds a store of ``--articles`` small articles with 10,000 decisions (``scale_bench``'s builder),
then runs ``newsreview export --format json`` and ``--format jsonl`` to a pipe as whole processes:
seconds until the first byte arrives, seconds until the last, and the process's peak resident memory
(``/usr/bin/time``), best of ``--runs``. The first byte is also given as a share of the whole (a
stream: near 0; an export that builds everything first: near 1; ``prodigy`` and ``spacy`` are built
whole, so for them only the whole counts). ``--against DIR`` runs a second
checkout of newsreview (its modules on ``PYTHONPATH``) on the same store in the same run, for an A/B.
``--vocabulary N``: then an analyst adds N distinct names the model missed (one word of an article
each: the desk memory's vocabulary, proposed wherever it occurs) and every export is measured again
on the same store: the ratio of the two says how export grows with a desk's vocabulary (QA: 4,000
added names made a 925-article export 5× slower). The last line is parseable.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from scale_bench import _NoSync, article, build


def one_run(repo: Path, store: Path, fmt: str) -> tuple[float, float, float]:
    """(seconds to the first byte, seconds to the end, peak RSS in MB) of one export to a pipe."""
    env = {**os.environ, "PYTHONPATH": str(repo), "NEWSREVIEW_STORE": str(store)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "tui", "export", "--format", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=store.parent,
    )
    assert proc.stdout and proc.stderr
    proc.stdout.read(1)
    first = time.perf_counter() - t0
    while proc.stdout.read(1 << 20):
        pass
    err = proc.stderr.read().decode()
    if proc.wait():
        raise SystemExit(f"export failed: {err.strip()[-300:]}")
    return first, time.perf_counter() - t0, int(err.split()[-1]) / 1024


def add_vocabulary(store: Path, articles: int, names: int) -> None:
    """``names`` additions by one analyst, each a different word of an article (not one of its
    entities: every tenth word is), spread over the articles."""
    from tui.store import ReviewStore

    with _NoSync(), ReviewStore.open(store, write=True, reviewer="desk") as st:
        for k in range(names):
            ex = article(k % articles)
            j = 1 + (k // articles) % 9 + 10 * ((k // (articles * 9)) % 12)  # never a multiple of 10
            start, end = ex.tokens[j]
            st.add_candidate(ex.article.id, {"kind": "entity", "start": start, "end": end, "label": "PERSON"})


def measure(repo: Path, store: Path, fmt: str, runs: int) -> tuple[float, float, float]:
    rounds = [one_run(repo, store, fmt) for _ in range(runs)]
    return min(r[0] for r in rounds), min(r[1] for r in rounds), min(r[2] for r in rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--against", type=Path, help="another checkout of newsreview, measured on the same store")
    parser.add_argument("--formats", default="json,jsonl", help="comma-separated: json, jsonl, prodigy, spacy")
    parser.add_argument("--vocabulary", type=int, default=0, help="then add this many names and measure again")
    args = parser.parse_args()
    repos = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    line = []
    with tempfile.TemporaryDirectory(prefix="nr-export-", dir=os.environ.get("BENCH_DIR")) as tmp:
        store = Path(tmp) / "store"
        build(store, args.articles, 10000)
        wholes: dict[str, float] = {}
        rounds = [("", 0)] + ([("vocab_", args.vocabulary)] if args.vocabulary else [])
        for tag, names in rounds:
            if names:
                add_vocabulary(store, args.articles, names)
                print(f"an analyst added {names:,} names the model missed", flush=True)
            for fmt in args.formats.split(","):
                for name, repo in repos.items():
                    first, whole, rss = measure(repo, store, fmt, args.runs)
                    print(
                        f"{name:<8} {fmt:<7} first byte {first:.2f} s   whole {whole:.2f} s   "
                        f"(first/whole {first / whole:.2f})   peak RSS {rss:.0f} MB",
                        flush=True,
                    )
                    key = f"{tag}{name}_{fmt}"
                    line.append(f"{key}_first_s={first:.2f} {key}_whole_s={whole:.2f} {key}_rss_mb={rss:.0f}")
                    wholes[key] = whole
        if args.vocabulary:
            for fmt in args.formats.split(","):
                for name in repos:
                    ratio = wholes[f"vocab_{name}_{fmt}"] / wholes[f"{name}_{fmt}"]
                    print(f"{name:<8} {fmt:<7} with the vocabulary / without: {ratio:.2f}×")
                    line.append(f"vocab_ratio_{name}_{fmt}={ratio:.2f}")
    print(" ".join(line))


if __name__ == "__main__":
    main()
