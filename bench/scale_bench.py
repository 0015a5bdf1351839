"""How the commands an analyst runs grow with the store: the first screen, `status` and `export`
at 1k/10k/100k decisions and 1k/10k/100k articles.

    python bench/scale_bench.py [--decisions 1000,10000,100000] [--articles 1000,10000,100000] [--runs 3]

Every figure is a whole process as a user starts it, best of ``--runs``:
- first screen: ``newsreview`` in a pseudo-terminal (``script``) until the review screen has been
  painted (``NEWSREVIEW_EXIT_WHEN_READY=1`` makes the app exit right then);
- ``newsreview status`` and ``newsreview export -o FILE``.
Each is also given as a ratio to the 1k case measured in the same run, and a bare ``python -c pass``
process as the floor. The stores are built through the store's own API with fsync switched off in this
process (setup only: the files are the same as a real store's). Decisions are spread over 1,000
articles (a mix of accept, reject, relabel and undo, as four reviewers); articles are small (~120
words, 12 entities, 2 claims), one decision each.

Musts (issue #10): first screen and status <= 1 s at 100k decisions and at 10k articles; export linear.
Along the decisions axis also ``newsreview agreement --json`` (issue #12: <= 1 s at 4 reviewers x 10,000
decisions, the 40,000 case).
The last line is parseable.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.pipeline import Extraction
from extractors.records import Article, claim_candidate, entity_candidate
from tui.store import ReviewStore

sys.path.insert(0, str(ROOT / "bench"))
from procs import best_time

EXE = Path(sys.executable).with_name("newsreview")
LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL", "NORP"]
REVIEWERS = ["ana", "ben", "cat", "dan"]


def article(i: int) -> Extraction:
    words = [f"w{i}n{j}" + ("." if j % 20 == 19 else "") for j in range(120)]
    text = f"Synthetic report {i}\n" + " ".join(words)
    art = Article(text=text, title=f"Synthetic report {i}", source="bench")
    spans, pos = [], len(f"Synthetic report {i}\n")
    for w in words:
        spans.append((pos, pos + len(w.rstrip("."))))
        pos += len(w) + 1
    ents = [
        entity_candidate(text, art.id, s, e, LABELS[k % len(LABELS)], token_start=k, token_end=k + 1, model="bench")
        for k, (s, e) in enumerate(spans[::10])
    ]
    claims = [
        claim_candidate(text, art.id, spans[k][0], spans[k + 8][1], checkworthiness=0.5 + k / 1000, model="bench")
        for k in (20, 60)
    ]
    return Extraction(art, ents, claims, spans)


class _NoSync:
    """fsync off while a bench store is built (setup only)."""

    def __enter__(self) -> None:
        self.saved = os.fsync, os.fdatasync
        os.fsync = os.fdatasync = lambda fd: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        os.fsync, os.fdatasync = self.saved


def build(folder: Path, articles: int, decisions: int) -> None:
    rng = random.Random(articles * 7 + decisions)
    with _NoSync():
        with ReviewStore.open(folder, mode="add", reviewer="bench") as st:
            cands = []
            for i in range(articles):
                ex = article(i)
                st.add_article(ex)
                cands.append((ex.article.id, [c["id"] for c in ex.entities + ex.claims]))
        per_reviewer = decisions // len(REVIEWERS)
        for who in REVIEWERS:
            with ReviewStore.open(folder, write=True, reviewer=who) as st:
                done = 0
                k = 0
                while done < per_reviewer:
                    aid, ids = cands[k % min(len(cands), 1000)]
                    k += 1
                    for cid in ids:
                        if done >= per_reviewer:
                            break
                        roll = rng.random()
                        state = st.candidate(aid, cid)
                        if state["status"] != "pending" and roll < 0.3:
                            st.decide(aid, cid, "undo")
                        elif roll < 0.55:
                            st.decide(aid, cid, "reject")
                        elif roll < 0.7 and state["kind"] == "entity" and state["status"] == "pending":
                            st.decide(aid, cid, "edit", changes={"label": "ORG" if state["label"] != "ORG" else "GPE"})
                        else:
                            st.decide(aid, cid, "accept")
                        done += 1


def measure(folder: Path, runs: int, *, agreement: bool = False) -> dict[str, float]:
    env = {
        **os.environ,
        "NEWSREVIEW_STORE": str(folder),
        "NEWSREVIEW_EXIT_WHEN_READY": "1",
        "NEWSREVIEW_CONFIG_DIR": str(folder.parent / "cfg"),
        "TERM": "xterm-256color",
    }
    out = folder.parent / "export.json"
    figures = {
        "screen": best_time([str(EXE), "--reviewer", "ana"], env, runs, tty=True),
        "status": best_time([str(EXE), "status"], env, runs),
        "export": best_time([str(EXE), "export", "-o", str(out)], env, runs),
    }
    if agreement:
        figures["agreement"] = best_time([str(EXE), "agreement", "--json"], env, runs)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", default="1000,10000,40000,100000")
    parser.add_argument("--articles", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # the commands run as an installed newsreview does: with its modules' bytecode cached
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    results: dict[str, dict[int, dict[str, float]]] = {"decisions": {}, "articles": {}}
    with tempfile.TemporaryDirectory(prefix="nr-scale-", dir=os.environ.get("BENCH_DIR")) as tmp:
        floor = best_time([sys.executable, "-c", "pass"], dict(os.environ), args.runs)
        print(f"floor: a bare python process {floor:.3f} s")
        for axis, sizes in (("decisions", args.decisions), ("articles", args.articles)):
            for size in (int(s) for s in sizes.split(",")):
                folder = Path(tmp) / f"{axis}-{size}"
                t0 = time.perf_counter()
                if axis == "decisions":
                    build(folder, 1000, size)
                else:
                    build(folder, size, size)
                built = time.perf_counter() - t0
                figures = measure(folder, args.runs, agreement=axis == "decisions")
                results[axis][size] = figures
                base = results[axis][min(results[axis])]
                print(
                    f"{size:>7,} {axis:<9} first screen {figures['screen']:.2f} s (x{figures['screen'] / base['screen']:.2f})"
                    f"   status {figures['status']:.2f} s (x{figures['status'] / base['status']:.2f})"
                    f"   export {figures['export']:.2f} s (x{figures['export'] / base['export']:.2f})"
                    + (f"   agreement {figures['agreement']:.2f} s" if "agreement" in figures else "")
                    + f"   [built in {built:.0f} s]",
                    flush=True,
                )
                shutil.rmtree(folder)
    d, a = results["decisions"], results["articles"]
    top_d = d[max(d)]
    ten_k = a.get(10000) or a[max(a)]
    big_a = a[max(a)]
    small_a = a[min(a)]
    growth = (big_a["export"] / small_a["export"]) / (max(a) / min(a))
    print(
        f"decisions_{max(d)}_screen_s={top_d['screen']:.2f} decisions_{max(d)}_status_s={top_d['status']:.2f} "
        f"articles_10000_screen_s={ten_k['screen']:.2f} articles_10000_status_s={ten_k['status']:.2f} "
        f"export_per_article_growth={growth:.2f}"
        + (f" agreement_4x10000_s={d[40000]['agreement']:.2f}" if 40000 in d else "")
    )


if __name__ == "__main__":
    main()
