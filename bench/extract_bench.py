"""Extraction throughput: ``newsreview extract`` against bare ``nlp.pipe`` of the same spaCy model.

    python bench/extract_bench.py [--data ../shared/data/polnear] [--articles 120] [--model NAME] [--runs 3]

Headline (whole processes, what a user waits for): the articles of PolNeAR dev (84 files) are
extracted by two commands, each a fresh process, alternating, best of ``--runs``:

  bare   a short script: ``import spacy``, ``spacy.load``, read the files, ``nlp.pipe`` them (the
         least anyone can do with that model: no output at all)
  full   ``newsreview extract DIR -o out.json`` (imports, model load, loading and normalising the
         articles, spaCy, the claims component, candidate building, JSON writing)

Secondary (in one process, model loaded and warm): words/s of ``nlp.pipe(texts)`` of the base model
vs ``Extractor.extract(articles)`` on ``--articles`` articles (dev, then train), and the latter with
``--jobs 2`` (spaCy ``n_process=2``). The three alternate too, so a machine that speeds up or slows
down during the run moves them alike.

Musts: whole process full >= 0.8x bare; in process full >= 0.8x raw; jobs 2 >= 1.5x jobs 1. The last
line printed is parseable.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.loaders import iter_articles
from extractors.nlp import load_model, resolve_model
from extractors.pipeline import Extractor
from extractors.records import Article

#: the bare process: what anyone would write to run the model over a folder of text files
BARE = """
import sys
from pathlib import Path
import spacy
nlp = spacy.load(sys.argv[1])
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[2]).glob("*.txt"))]
for doc in nlp.pipe(texts, batch_size=16):
    pass
"""


def articles_from(data: Path, limit: int) -> list[Article]:
    files: list[Path] = []
    for split in ("dev", "train"):
        files += sorted((data / split / "text").glob("*.txt"))
    out = [a for a in iter_articles(files[:limit]) if isinstance(a, Article)]
    if len(out) < limit:
        raise SystemExit(f"only {len(out)} articles under {data}")
    return out


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one process."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}):\n{err.read()[-2000:].decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def newsreview_command() -> list[str]:
    """The installed ``newsreview`` script next to this Python, else ``python -m tui``."""
    script = Path(sys.executable).with_name("newsreview")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui"]


def whole_processes(folder: Path, model: str, runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best (wall-clock, CPU) seconds of the bare process and of ``newsreview extract``, alternating."""
    bare = full = (float("inf"), float("inf"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        bare_cmd = [sys.executable, "-c", BARE, model, str(folder)]
        full_cmd = [*newsreview_command(), "extract", str(folder), "-o", str(out), "--model", model]
        for _ in range(runs):
            bare = _best(bare, _run(bare_cmd))
            full = _best(full, _run(full_cmd))
        if not out.exists() or out.stat().st_size == 0:
            raise SystemExit("newsreview extract wrote nothing")
    return bare, full


def _best(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return min(a[0], b[0]), min(a[1], b[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    parser.add_argument("--articles", type=int, default=120, help="articles for the in-process figures")
    parser.add_argument("--model", default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--whole-only", action="store_true", help="skip the in-process figures")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # processes as an installed newsreview runs: bytecode cached
    model = resolve_model(args.model)

    folder = args.data / "dev" / "text"
    n_files = len(list(folder.glob("*.txt")))
    dev_words = sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))
    print(f"whole processes: {n_files} articles, {dev_words:,} words, in {folder}")
    (bare_s, bare_cpu), (full_s, full_cpu) = whole_processes(folder, model, args.runs)
    print(f"bare nlp.pipe process     {bare_s:7.2f} s wall  {bare_cpu:7.2f} s CPU")
    print(
        f"newsreview extract        {full_s:7.2f} s wall  {full_cpu:7.2f} s CPU"
        f"   = {bare_s / full_s:.2f}x bare (must be >= 0.8); CPU {bare_cpu / full_cpu:.2f}x"
    )
    whole = f"process_vs_bare={bare_s / full_s:.2f} process_cpu_vs_bare={bare_cpu / full_cpu:.2f} bare_s={bare_s:.2f} extract_s={full_s:.2f}"

    if args.whole_only:
        print(whole)
        return
    articles = articles_from(args.data, args.articles)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    print(f"in process: {len(articles)} articles, {words:,} words")
    raw_nlp = load_model(model)
    extractor = Extractor(model).load()
    list(raw_nlp.pipe(texts[:4]))  # warm up both
    list(extractor.extract(articles[:4]))
    raw = full = full2 = float("inf")
    for _ in range(args.runs):  # interleaved: drift in the machine's speed hits all three alike
        raw = min(raw, _timed(lambda: list(raw_nlp.pipe(texts, batch_size=args.batch_size))))
        full = min(full, _timed(lambda: list(extractor.extract(articles, batch_size=args.batch_size))))
        full2 = min(full2, _timed(lambda: list(extractor.extract(articles, jobs=2, batch_size=args.batch_size))))
    print(f"raw nlp.pipe              {words / raw:8,.0f} words/s")
    print(f"full extraction           {words / full:8,.0f} words/s   = {raw / full:.2f}x raw (must be >= 0.8)")
    print(f"full extraction -j2       {words / full2:8,.0f} words/s   = {full / full2:.2f}x -j1 (must be >= 1.5)")
    print(
        f"{whole} raw_wps={words / raw:.0f} full_wps={words / full:.0f} full_vs_raw={raw / full:.2f} "
        f"jobs2_wps={words / full2:.0f} jobs2_speedup={full / full2:.2f}"
    )


if __name__ == "__main__":
    main()
