"""Latency of one durable decision at 1k, 10k and 100k stored decisions, on both engines.

Measured in one process, with two baselines run alongside:
- the floor: a bare append of a decision-sized line + fdatasync to a file;
- stock TinyDB (``JSONStorage``, what the TinyDB docs set up) doing the same one-document insert
  into a table of the same size.

The PostgreSQL engine is measured in the same run, beside the folder engine: a decision there is
acknowledged once its transaction has committed (the server's fsync), over a local socket. The server
is ``--postgres URL`` (or ``NEWSREVIEW_BENCH_POSTGRES``); without one, a throwaway server is started
with .ci/pg-cluster (default settings: fsync on, synchronous_commit on). ``--postgres none`` skips it.
At the largest size, ``newsreview status`` and the first screen (``newsreview`` in a pseudo-terminal
until the review screen is painted, ``NEWSREVIEW_EXIT_WHEN_READY=1``) are timed as whole processes on
both engines, best of 3.

    python bench/store_bench.py [--sizes 1000,10000,100000] [--samples 300] [--postgres URL|none]

Prints p50/p95 per size and engine, and the ratios; the last line is parseable.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from extractors.pipeline import Extraction
from extractors.records import Article, entity_candidate
from tui.store import ReviewStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procs import best_time

PER_ARTICLE = 500
ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("newsreview")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def synthetic_extraction(i: int) -> Extraction:
    words = [f"Word{i}x{j}" for j in range(PER_ARTICLE)]
    text = " ".join(words)
    art = Article(text=text, title=f"Synthetic {i}", source="bench")
    ents, pos = [], 0
    for j, w in enumerate(words):
        ents.append(
            entity_candidate(text, art.id, pos, pos + len(w), "ORG", token_start=j, token_end=j + 1, model="bench")
        )
        pos += len(w) + 1
    return Extraction(art, ents, [], [(e["start"], e["end"]) for e in ents])


def build(folder: Path | str, decisions: int) -> tuple[ReviewStore, list[tuple[str, str]]]:
    store = ReviewStore.open(folder, write=True, reviewer="bench", holder="store_bench")
    n_articles = max(2, decisions // PER_ARTICLE + 2)
    cands: list[tuple[str, str]] = []
    for i in range(n_articles):
        ex = synthetic_extraction(i)
        store.add_article(ex)
        cands += [(ex.article.id, e["id"]) for e in ex.entities]
    done = 0
    while done < decisions:  # pre-fill in big transactions (fast), then measure single decisions
        chunk = cands[done : done + 1000][: decisions - done]
        aid = chunk[0][0]
        same = [c for a, c in chunk if a == aid]
        store.decide_many(aid, [(c, "accept", None) for c in same])
        done += len(same)
    return store, cands[decisions:]


def measure_ours(folder: Path | str, decisions: int, samples: int) -> list[float]:
    store, free = build(folder, decisions)
    store.close()  # measure on a freshly opened store, as an analyst would have it
    store = ReviewStore.open(folder, write=True, reviewer="bench", holder="store_bench")
    times = []
    for aid, cid in free[:samples]:  # build() leaves >= 1,000 undecided candidates
        t0 = time.perf_counter()
        store.decide(aid, cid, "accept")
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    return times


def measure_floor(folder: Path, samples: int) -> list[float]:
    line = (
        b'{"seq":1,"ops":[["decisions",1,{"id":"d-0123456789abcdef","article":"a-0123456789ab",'
        b'"candidate":"e-0123456789ab","kind":"entity","action":"accept","reviewer":"bench"}]]}\n'
    )
    fd = os.open(folder / "floor.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        os.write(fd, line)
        os.fdatasync(fd)
        times.append((time.perf_counter() - t0) * 1000)
    os.close(fd)
    return times


def measure_stock(folder: Path, decisions: int, samples: int) -> list[float]:
    path = folder / "stock.json"
    doc = {
        "article": "a-0123456789ab",
        "candidate": "e-0123456789ab",
        "kind": "entity",
        "action": "accept",
        "reviewer": "bench",
        "at": "2026-01-01T00:00:00.000+00:00",
        "before": {"status": "pending"},
        "after": {"status": "accepted"},
    }
    with TinyDB(path, storage=JSONStorage) as db:
        db.table("decisions").insert_multiple(dict(doc, n=i) for i in range(decisions))
    times = []
    with TinyDB(path, storage=JSONStorage) as db:
        table = db.table("decisions")
        for _ in range(samples):
            t0 = time.perf_counter()
            table.insert(doc)
            times.append((time.perf_counter() - t0) * 1000)
    return times


def timed(cmd: list[str], store: Path | str, runs: int, *, tty: bool = False) -> float:
    """Best wall time of a whole ``newsreview`` process on ``store``."""
    env = {
        **os.environ,
        "NEWSREVIEW_STORE": str(store),
        "NEWSREVIEW_EXIT_WHEN_READY": "1",
        "NEWSREVIEW_CONFIG_DIR": tempfile.gettempdir() + "/nr-bench-cfg",
        "TERM": "xterm-256color",
    }
    return best_time(cmd, env, runs, tty=tty)


def measure_exports(tmp: Path, pg: str, articles: int, runs: int) -> tuple[float, float]:
    """`newsreview export` of the same store (``articles`` articles, 4 reviewers' decisions) from a folder
    and from PostgreSQL (copied there by `newsreview migrate`): best wall times (folder, postgresql)."""
    from scale_bench import build

    folder = tmp / "export-store"
    build(folder, articles, articles * 4)
    subprocess.run([str(EXE), "migrate", str(folder), pg], check=True, capture_output=True, timeout=1800)
    out = tmp / "export.json"
    folder_s = timed([str(EXE), "export", "-o", str(out)], folder, runs)
    pg_s = timed([str(EXE), "export", "-o", str(out)], pg, runs)
    print(
        f"export of {articles:,} articles: folder {folder_s:.2f} s, postgresql {pg_s:.2f} s "
        f"(x{pg_s / folder_s:.2f}; must be <= 2)",
        flush=True,
    )
    shutil.rmtree(folder)
    drop(pg)
    return folder_s, pg_s


def start_server(tmp: str) -> tuple[str, str | None]:
    """A throwaway PostgreSQL server (.ci/pg-cluster); returns (URL, its folder to stop)."""
    folder = f"{tmp}-pg"
    url = subprocess.run(
        [str(ROOT / ".ci" / "pg-cluster"), "start", folder], check=True, capture_output=True, text=True
    ).stdout.strip()
    return url, folder


def pg_location(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema=bench_{uuid.uuid4().hex[:8]}"


def drop(location: str) -> None:
    import psycopg

    from tui.store.urls import split_schema

    base, schema = split_schema(location)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--stock-samples", default="50,10,5", help="stock TinyDB samples per size (it is slow)")
    parser.add_argument("--postgres", default=os.environ.get("NEWSREVIEW_BENCH_POSTGRES"), help="server URL, or none")
    parser.add_argument("--runs", type=int, default=3, help="runs of status / first screen (best of)")
    parser.add_argument(
        "--export-articles", type=int, default=1000, help="articles in the export comparison (0: skip it)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    stock_samples = [int(s) for s in args.stock_samples.split(",")]
    rows = []
    pg_rows: list[tuple[int, list[float]]] = []
    processes: dict[str, dict[str, float]] = {}
    exports: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory(prefix="nr-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        server_dir = None
        url = args.postgres if args.postgres != "none" else None
        if args.postgres is None:
            url, server_dir = start_server(tmp)
        try:
            if url:
                print(f"PostgreSQL: {url.split('@')[-1]} (local socket or loopback, default settings)")
            floor = measure_floor(Path(tmp), args.samples)
            print(f"floor (append + fdatasync): p50 {statistics.median(floor):.3f} ms  p95 {pct(floor, 0.95):.3f} ms")
            for i, size in enumerate(sizes):
                folder = Path(tmp) / f"store{size}"
                ours = measure_ours(folder, size, args.samples)
                stock = measure_stock(Path(tmp), size, stock_samples[min(i, len(stock_samples) - 1)])
                (Path(tmp) / "stock.json").unlink()
                rows.append((size, ours, stock))
                print(
                    f"{size:>7,} decisions: newsreview folder p50 {statistics.median(ours):.3f} ms  p95 {pct(ours, 0.95):.3f} ms"
                    f"   | stock TinyDB JSONStorage p50 {statistics.median(stock):.1f} ms  p95 {pct(stock, 0.95):.1f} ms"
                    f"   | stock/newsreview p50 x{statistics.median(stock) / statistics.median(ours):,.0f}",
                    flush=True,
                )
                pg = None
                if url:
                    pg = pg_location(url)
                    times = measure_ours(pg, size, args.samples)
                    pg_rows.append((size, times))
                    print(
                        f"{size:>7,} decisions: newsreview postgresql p50 {statistics.median(times):.3f} ms  "
                        f"p95 {pct(times, 0.95):.3f} ms   | postgresql/folder p95 x{pct(times, 0.95) / pct(ours, 0.95):.1f}",
                        flush=True,
                    )
                if size == sizes[-1]:
                    for name, where in (("folder", folder), ("postgresql", pg)):
                        if where is None:
                            continue
                        processes[name] = {
                            "status": timed([str(EXE), "status"], where, args.runs),
                            "screen": timed([str(EXE), "--reviewer", "ana"], where, args.runs, tty=True),
                        }
                        print(
                            f"{size:>7,} decisions, {name}: status {processes[name]['status']:.2f} s   "
                            f"first screen {processes[name]['screen']:.2f} s (whole processes, best of {args.runs})",
                            flush=True,
                        )
                shutil.rmtree(folder)
                if pg:
                    drop(pg)
            if url and args.export_articles:
                exports = measure_exports(Path(tmp), pg_location(url), args.export_articles, args.runs)
        finally:
            if server_dir:
                subprocess.run([str(ROOT / ".ci" / "pg-cluster"), "stop", server_dir], check=False)
    first, last = rows[0], rows[-1]
    growth = pct(last[1], 0.95) / pct(first[1], 0.95)
    print(f"folder p95 at {last[0]:,} / p95 at {first[0]:,}: {growth:.2f}  (must be <= 1.5)")
    print(
        f"folder p95 at {last[0]:,}: {pct(last[1], 0.95):.3f} ms vs floor p95 {pct(floor, 0.95):.3f} ms "
        f"(x{pct(last[1], 0.95) / pct(floor, 0.95):.1f} the bare fsync)"
    )
    tail = ""
    if pg_rows:
        pg_growth = pct(pg_rows[-1][1], 0.95) / pct(pg_rows[0][1], 0.95)
        print(f"postgresql p95 at {pg_rows[-1][0]:,} / p95 at {pg_rows[0][0]:,}: {pg_growth:.2f}")
        tail = (
            f" pg_decision_p95_ms_{pg_rows[0][0]}={pct(pg_rows[0][1], 0.95):.3f}"
            f" pg_decision_p95_ms_{pg_rows[-1][0]}={pct(pg_rows[-1][1], 0.95):.3f} pg_growth_p95={pg_growth:.2f}"
        )
        if exports is not None:
            tail += f" pg_export_s_{args.export_articles}={exports[1]:.2f} pg_export_vs_folder={exports[1] / exports[0]:.2f}"
        if "postgresql" in processes:
            tail += (
                f" pg_status_s_{last[0]}={processes['postgresql']['status']:.2f}"
                f" pg_screen_s_{last[0]}={processes['postgresql']['screen']:.2f}"
            )
    print(
        f"decision_p95_ms_{first[0]}={pct(first[1], 0.95):.3f} decision_p95_ms_{last[0]}={pct(last[1], 0.95):.3f} "
        f"growth_p95={growth:.2f} floor_p95_ms={pct(floor, 0.95):.3f} stock_p95_ms_{last[0]}={pct(last[2], 0.95):.1f}"
        + tail
    )


if __name__ == "__main__":
    main()
