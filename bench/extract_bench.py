"""Extraction throughput: the full newsreview extraction path vs raw ``nlp.pipe`` of the same model.

    python bench/extract_bench.py [--data ../shared/data/polnear] [--articles 120] [--model NAME]

Reads real articles by path (PolNeAR dev, then train, until --articles), loads them with the product's
loader, and in one process measures words/s of:
  raw        nlp.pipe(texts) of the base model (no newsreview component)
  full       Extractor.extract(articles): spaCy + claims component + candidate building (what `add` runs)
  full -j 2  the same with --jobs 2 (spaCy n_process=2)
raw and full alternate (``--runs`` times each, best kept), so a machine that speeds up or slows down
during the run moves both alike. Prints the ratios; the last line is parseable.
Musts: full >= 0.8x raw; jobs 2 >= 1.5x jobs 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.loaders import iter_articles  # noqa: E402
from extractors.records import Article  # noqa: E402
from extractors.nlp import load_model  # noqa: E402
from extractors.pipeline import Extractor  # noqa: E402


def articles_from(data: Path, limit: int) -> list[Article]:
    files: list[Path] = []
    for split in ("dev", "train"):
        files += sorted((data / split / "text").glob("*.txt"))
    out = [a for a in iter_articles(files[:limit]) if isinstance(a, Article)]
    if len(out) < limit:
        raise SystemExit(f"only {len(out)} articles under {data}")
    return out


def best_of(runs: int, fn) -> float:
    return min(_timed(fn) for _ in range(runs))


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--model", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    articles = articles_from(args.data, args.articles)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(articles)} articles, {words:,} words, from {args.data}")

    raw_nlp = load_model(args.model)
    extractor = Extractor(args.model).load()
    list(raw_nlp.pipe(texts[:4]))  # warm up both
    list(extractor.extract(articles[:4]))

    raw = full = float("inf")
    for _ in range(args.runs):  # interleaved: drift in the machine's speed hits both alike
        raw = min(raw, _timed(lambda: list(raw_nlp.pipe(texts, batch_size=args.batch_size))))
        full = min(full, _timed(lambda: list(extractor.extract(articles, batch_size=args.batch_size))))
    full2 = best_of(args.runs, lambda: list(extractor.extract(articles, jobs=2, batch_size=args.batch_size)))

    claims = sum(len(x.claims) for x in extractor.extract(articles[:20]))
    print(f"raw nlp.pipe        {words / raw:8,.0f} words/s")
    print(f"full extraction     {words / full:8,.0f} words/s   = {raw / full:.2f}x raw (must be >= 0.8)")
    print(f"full extraction -j2 {words / full2:8,.0f} words/s   = {full / full2:.2f}x -j1 (must be >= 1.5)")
    print(f"({claims} claims in the first 20 articles)")
    print(
        f"raw_wps={words / raw:.0f} full_wps={words / full:.0f} full_vs_raw={raw / full:.2f} "
        f"jobs2_wps={words / full2:.0f} jobs2_speedup={full / full2:.2f}"
    )


if __name__ == "__main__":
    main()
