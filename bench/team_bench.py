"""A desk at work: 8 reviewers applying 2,000 decisions each, at once, to one store.

    python bench/team_bench.py [--reviewers 8] [--decisions 2000] [--articles 40]

Each reviewer is a real ``newsreview apply -`` process, fed one decision at a time: the latency of a
decision is from writing its line to reading its result, which ``apply`` prints only once the decision
is on disk (fdatasync'd). Measured in the same run:
- one reviewer alone doing the same 2,000 decisions on a copy of the store (the baseline);
- the 8 reviewers at once: p95 latency, and the ratio to the baseline's (must be <= 2);
- afterwards, from the store: every acknowledged decision is there (0 lost) and each reviewer's state
  of each candidate is what that reviewer last decided (0 overwritten);
- how long the review screen (a headless app, polling as in a terminal) takes to show a decision
  another reviewer's process makes (must be <= 1 s), median and max over 20 decisions.
The last line is parseable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.pipeline import Extraction
from extractors.records import Article, entity_candidate
from tui.store import ReviewStore

EXE = Path(sys.executable).with_name("newsreview")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def article(i: int) -> Extraction:
    words = [f"w{i}n{j}" for j in range(300)]
    text = " ".join(words)
    art = Article(text=text, title=f"Team article {i}", source="bench")
    ents, pos = [], 0
    for j, w in enumerate(words):
        if j % 3 == 0:
            ents.append(entity_candidate(text, art.id, pos, pos + len(w), "ORG", token_start=j, token_end=j + 1))
        pos += len(w) + 1
    return Extraction(art, ents, [], [])


def build(folder: Path, n: int) -> list[tuple[str, str]]:
    cands = []
    with ReviewStore.open(folder, mode="add", reviewer="bench") as st:
        for i in range(n):
            ex = article(i)
            st.add_article(ex)
            cands += [(ex.article.id, e["id"]) for e in ex.entities]
    return cands


def plan(cands: list[tuple[str, str]], who: str, n: int) -> list[dict[str, object]]:
    rng = random.Random(who)
    out = []
    for _ in range(n):
        aid, cid = rng.choice(cands)
        out.append({"article": aid, "candidate": cid, "action": rng.choice(["accept", "reject"])})
    return out


def reviewer(folder: Path, who: str, lines: list[dict[str, object]], out: dict[str, list[float]]) -> None:
    env = {**os.environ, "NEWSREVIEW_STORE": str(folder)}
    proc = subprocess.Popen(
        [str(EXE), "apply", "-", "--reviewer", who],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        bufsize=1,
    )
    assert proc.stdin is not None and proc.stdout is not None
    times = []
    for line in lines:
        t0 = time.perf_counter()
        proc.stdin.write(json.dumps(line) + "\n")
        proc.stdin.flush()
        result = json.loads(proc.stdout.readline())
        times.append((time.perf_counter() - t0) * 1000)
        if not result["ok"]:
            raise SystemExit(f"{who}: {result}")
    proc.stdin.close()
    proc.wait()
    out[who] = times


def run_team(folder: Path, names: list[str], plans: dict[str, list[dict[str, object]]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    threads = [threading.Thread(target=reviewer, args=(folder, n, plans[n], out)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def verify(folder: Path, plans: dict[str, list[dict[str, object]]]) -> tuple[int, int]:
    """(lost, overwritten) over every reviewer's acknowledged decisions."""
    lost = overwritten = 0
    with ReviewStore.open(folder) as st:
        for who, lines in plans.items():
            last: dict[tuple[str, str], str] = {}
            for line in lines:
                last[(str(line["article"]), str(line["candidate"]))] = str(line["action"])
            mine = 0
            for (aid, cid), action in last.items():
                records = [h for h in st.history(aid, cid) if h["reviewer"] == who]
                mine += len(records)
                state = st.candidate(aid, cid, view=who)["status"]
                if state != ("rejected" if action == "reject" else "accepted"):
                    overwritten += 1
            lost += max(0, len(lines) - mine)
    return lost, overwritten


async def screen_latency(folder: Path, cands: list[tuple[str, str]], samples: int) -> list[float]:
    """A headless review screen as 'lead'; another process (reviewer 'r0') decides on the article on
    screen; the time until the screen's candidate shows that reviewer's decision."""
    from tui.app.app import ReviewApp

    store = ReviewStore.open(folder, write=True, reviewer="lead")
    app = ReviewApp(store, config=Path(tempfile.mkdtemp()))
    out = []
    env = {**os.environ, "NEWSREVIEW_STORE": str(folder)}
    proc = subprocess.Popen(
        [str(EXE), "apply", "-", "--reviewer", "screenbench"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        bufsize=1,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            screen = app.screen
            aid = screen.aid
            ids = [cid for a, cid in cands if a == aid][:samples]
            for i, cid in enumerate(ids):
                action = "reject" if i % 2 else "accept"
                proc.stdin.write(json.dumps({"article": aid, "candidate": cid, "action": action}) + "\n")
                proc.stdin.flush()
                t0 = time.perf_counter()
                json.loads(proc.stdout.readline())
                deadline = t0 + 5
                while time.perf_counter() < deadline:
                    cand = screen.cands.get(cid) or {}
                    if any(r.get("reviewer") == "screenbench" for r in cand.get("reviews") or ()):
                        break
                    await asyncio.sleep(0.01)
                out.append(time.perf_counter() - t0)
    finally:
        proc.stdin.close()
        proc.wait()
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--screen-samples", type=int, default=20)
    args = parser.parse_args()
    names = [f"r{i}" for i in range(args.reviewers)]
    with tempfile.TemporaryDirectory(prefix="nr-team-", dir=os.environ.get("BENCH_DIR")) as tmp:
        base = Path(tmp) / "base"
        cands = build(base, args.articles)
        plans = {n: plan(cands, n, args.decisions) for n in names}
        alone_store = Path(tmp) / "alone"
        shutil.copytree(base, alone_store)
        alone = run_team(alone_store, names[:1], plans)[names[0]]
        print(f"1 reviewer alone: p50 {statistics.median(alone):.2f} ms  p95 {pct(alone, 0.95):.2f} ms", flush=True)
        team_store = Path(tmp) / "team"
        shutil.copytree(base, team_store)
        t0 = time.perf_counter()
        team = run_team(team_store, names, plans)
        wall = time.perf_counter() - t0
        every = [t for times in team.values() for t in times]
        ratio = pct(every, 0.95) / pct(alone, 0.95)
        print(
            f"{len(names)} reviewers at once: p50 {statistics.median(every):.2f} ms  p95 {pct(every, 0.95):.2f} ms "
            f"(x{ratio:.2f} the lone reviewer's p95; must be <= 2); {len(every):,} decisions in {wall:.1f} s",
            flush=True,
        )
        lost, overwritten = verify(team_store, plans)
        print(f"after the run: {lost} lost, {overwritten} overwritten (of {len(every):,} acknowledged)", flush=True)
        shown = asyncio.run(screen_latency(team_store, cands, args.screen_samples))
        print(
            f"another reviewer's decision on screen after: median {statistics.median(shown):.3f} s, "
            f"max {max(shown):.3f} s (must be <= 1 s)"
        )
    print(
        f"team_p95_ratio={ratio:.2f} lost={lost} overwritten={overwritten} "
        f"screen_median_s={statistics.median(shown):.3f} screen_max_s={max(shown):.3f}"
    )


if __name__ == "__main__":
    main()
