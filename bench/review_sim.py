"""How many decisions an analyst needs per 100 correct entities: a simulated analyst who knows the gold.

    python bench/review_sim.py [--data ../shared/data/conllpp] [--docs 216] [--model NAME]

CoNLL++ dev documents (the text rebuilt as the data's README says) are added to two fresh stores with
the same spaCy model and the label set of CoNLL's scope. A simulated analyst then reviews each store
article by article, in store order, through ``newsreview export --article`` and ``newsreview apply``
only (real processes), until the export equals the gold; every apply line counts as one decision
(accept, reject, edit, add, a group line, a confirm-suggestions line).

- *mention by mention* (the baseline): the store's suggestions off (``add --suggestions off``), every
  pending mention decided on its own, missed entities added;
- *newsreview*: the same analyst using what the screen offers — confirm the article's suggestions when
  more than one of them is right (then fix the wrong ones), decide a group in one line when all its
  pending mentions need the same decision, then the rest mention by mention.

The analyst's knowledge is the gold only: CoNLL's labels map to spaCy's (PER→PERSON, ORG→ORG,
LOC→GPE/LOC/FAC, MISC→NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE; a wrong label is relabelled to
the first of these); nothing is tuned to particular documents. Must: the export equals the gold in
both runs, and newsreview's count is <= 0.65x the baseline's. The last line is parseable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NEWSREVIEW = [sys.executable, "-m", "tui"]  # this checkout's newsreview (run from ROOT), as a user runs it

sys.path.insert(0, str(ROOT / "bench"))
from conll import STORE_LABELS, TO_CLASS, TO_SPACY, read_conll

COARSE = TO_CLASS
LABELS = ",".join(STORE_LABELS)


def documents(path: Path, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` documents as {"id", "text", "gold": [(start, end, CoNLL class)]}."""
    return [
        {"id": f"conllpp-dev-{n:03d}", "text": doc.text, "gold": [tuple(g) for g in doc.entities]}
        for n, doc in enumerate(read_conll(path)[:limit])
    ]


class Session:
    """newsreview as the analyst drives it: export one article, apply lines (one long-lived process)."""

    def __init__(self, store: Path, reviewer: str) -> None:
        self.env = {**os.environ, "NEWSREVIEW_STORE": str(store)}
        self.proc = subprocess.Popen(
            [*NEWSREVIEW, "apply", "-", "--reviewer", reviewer],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.env,
            text=True,
            bufsize=1,
            cwd=ROOT,
        )
        self.counts: Counter[str] = Counter()

    def export(self, aid: str) -> dict[str, Any]:
        out = subprocess.run(
            [*NEWSREVIEW, "export", "--article", aid, "--include", "all"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return json.loads(out.stdout)["articles"][0]

    def apply(self, kind: str, line: dict[str, Any]) -> bool:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(line) + "\n")
        self.proc.stdin.flush()
        result = json.loads(self.proc.stdout.readline())
        if not result["ok"]:
            if "unknown candidate" in result["error"] and line.get("candidate"):
                return False  # a proposal that a decision just made covered: gone, nothing to decide
            raise SystemExit(f"apply refused {line}: {result['error']}")
        self.counts[kind] += 1
        return True

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def needs(
    article: dict[str, Any], gold: list[tuple[int, int, str]]
) -> tuple[dict[str, dict[str, Any]], list[tuple[int, int, str]]]:
    """What each entity needs so that the article matches the gold — ``{id: {"action", "label"?,
    "start"?, "end"?}}`` for every entity whose state differs from what it should be, pending or
    already decided (a wrong decision is corrected on that entity) — and the gold entities no
    candidate will cover (to add)."""
    ents = sorted(article["entities"], key=lambda c: (c["status"] == "pending", c["start"], -(c["end"] - c["start"])))
    todo: dict[str, dict[str, Any]] = {}
    claimed: set[tuple[int, int, str]] = set()
    for e in ents:
        kept = e["status"] in ("accepted", "edited", "added")
        exact = next((g for g in gold if (g[0], g[1]) == (e["start"], e["end"]) and g not in claimed), None)
        if exact is not None:
            claimed.add(exact)
            if COARSE.get(e["label"]) == exact[2]:
                if not kept:
                    todo[e["id"]] = {"action": "accept"}
            else:
                todo[e["id"]] = {"action": "edit", "label": TO_SPACY[exact[2]][0]}
            continue
        overlap = next((g for g in gold if g[0] < e["end"] and e["start"] < g[1] and g not in claimed), None)
        if overlap is not None and e["status"] != "rejected":
            claimed.add(overlap)
            fix: dict[str, Any] = {"action": "edit", "start": overlap[0], "end": overlap[1]}
            if COARSE.get(e["label"]) != overlap[2]:
                fix["label"] = TO_SPACY[overlap[2]][0]
            todo[e["id"]] = fix
        elif e["status"] != "rejected":
            todo[e["id"]] = {"action": "reject"}
    missing = [g for g in gold if g not in claimed]
    return todo, missing


def line_for(aid: str, cid: str, need: dict[str, Any]) -> dict[str, Any]:
    line = {"article": aid, "candidate": cid, "action": need["action"]}
    if need["action"] == "edit":
        line["changes"] = {k: need[k] for k in ("label", "start", "end") if k in need}
    return line


def hint_is_right(hint: dict[str, Any], need: dict[str, Any] | None, cand: dict[str, Any]) -> bool:
    """Whether doing what the suggestion says leaves the candidate as the gold wants it."""
    need = need or {"action": "accept"}
    if hint["action"] == "add":  # a proposal: adding it keeps it as proposed
        return need == {"action": "accept"}
    if hint["action"] != need["action"]:
        return False
    if need["action"] != "edit":
        return True
    after = {k: hint.get(k, cand[k]) for k in ("start", "end", "label")}
    wanted = {k: need.get(k, cand[k]) for k in ("start", "end", "label")}
    return after == wanted


def confirm_if_worth(session: Session, aid: str, gold: list[tuple[int, int, str]]) -> None:
    """Confirm the article's suggestions in one line when that saves lines: it costs one line plus a
    correcting line for each wrong suggestion, against one line for each right one."""
    article = session.export(aid)
    todo, _ = needs(article, gold)
    verdicts = [
        hint_is_right(e["suggestion"], todo.get(e["id"]), e)
        for e in article["entities"]
        if e["status"] == "pending" and e.get("suggestion")
    ]
    right, wrong = sum(verdicts), len(verdicts) - sum(verdicts)
    if right - wrong > 1:  # confirming costs one line plus one correction for each wrong suggestion
        session.apply("confirm", {"article": aid, "action": "confirm-suggestions"})


def group_line(aid: str, article: dict[str, Any], todo: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """A group decision worth one line: a group of two or more pending mentions that all need the
    same accept, reject or relabel (no boundary); None if there is none."""
    by_group: dict[str, list[str]] = {}
    for e in article["entities"]:
        if e["id"] in todo and e["status"] == "pending" and e.get("group"):
            by_group.setdefault(e["group"], []).append(e["id"])
    for gid, members in by_group.items():
        wanted = {json.dumps(todo[m], sort_keys=True) for m in members}
        need = todo[members[0]]
        if len(members) > 1 and len(wanted) == 1 and "start" not in need:
            line = {"article": aid, "group": gid, "action": need["action"]}
            if need["action"] == "edit":
                line["label"] = need["label"]
            return line
    return None


def review(session: Session, aid: str, gold: list[tuple[int, int, str]], *, smart: bool) -> None:
    """Decide until the article equals the gold. Lines on a proposal that vanished meanwhile (a decision
    on another candidate covered its span) are refused by the store and not counted."""
    if smart:
        confirm_if_worth(session, aid, gold)
    for _ in range(6):
        article = session.export(aid)
        todo, missing = needs(article, gold)
        if not todo and not missing:
            return
        while smart:  # one group line at a time: deciding a group can regroup the others (a relabelled
            # "Smith" no longer makes "John Smith" ambiguous), so the groups are read again after each
            line = group_line(aid, article, todo)
            if line is None:
                break
            session.apply("group", line)
            article = session.export(aid)
            todo, missing = needs(article, gold)
        for cid, need in todo.items():
            kind = {"accept": "accept", "reject": "reject"}.get(need["action"]) or (
                "boundary" if "start" in need else "relabel"
            )
            session.apply(kind, line_for(aid, cid, need))
        if smart and missing:
            # one occurrence of each missed string; the store then proposes the others: confirm them if
            # that is worth a line, and add what is still missing
            text = article["text"]
            firsts: dict[tuple[str, str], tuple[int, int, str]] = {}
            for g in missing:
                firsts.setdefault((text[g[0] : g[1]].casefold(), g[2]), g)
            add_all(session, aid, list(firsts.values()))
            if len(firsts) < len(missing):
                confirm_if_worth(session, aid, gold)
                _, missing = needs(session.export(aid), gold)
            else:
                missing = []
        add_all(session, aid, missing)
    if needs(session.export(aid), gold) != ({}, []):
        raise SystemExit(f"{aid}: still not equal to the gold after six rounds")


def add_all(session: Session, aid: str, missing: list[tuple[int, int, str]]) -> None:
    for start, end, coarse in missing:
        line = {"article": aid, "action": "add", "kind": "entity", "start": start, "end": end}
        session.apply("add", {**line, "label": TO_SPACY[coarse][0]})


def check(session: Session, aid: str, gold: list[tuple[int, int, str]]) -> bool:
    article = session.export(aid)
    got = sorted(
        (e["start"], e["end"], COARSE.get(e["label"]))
        for e in article["entities"]
        if e["status"] in ("accepted", "edited", "added")
    )
    return got == sorted(gold)


def train_and_reextract(store: Path, folder: Path) -> str:
    """What a desk does after a first batch: ``newsreview train`` on what it reviewed, then
    ``newsreview reextract --model`` of the articles still pending (decisions kept). Returns the
    figures both printed."""
    env = {**os.environ, "NEWSREVIEW_STORE": str(store)}
    started = time.perf_counter()
    trained = subprocess.run(
        [*NEWSREVIEW, "train", "-o", str(folder), "--labels", LABELS],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if trained.returncode:
        raise SystemExit(f"newsreview train failed: {trained.stderr.strip()[-2000:]}")
    train_s = time.perf_counter() - started
    held = next((ln for ln in trained.stdout.splitlines() + trained.stderr.splitlines() if "held" in ln.lower()), "")
    started = time.perf_counter()
    again = subprocess.run(
        [*NEWSREVIEW, "reextract", "--model", str(folder)], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if again.returncode:
        raise SystemExit(f"newsreview reextract failed: {again.stderr.strip()[-2000:]}")
    said = (again.stderr.strip().splitlines() or [""])[-1]
    return f"trained in {train_s:.0f} s ({held.strip()}); {said} in {time.perf_counter() - started:.0f} s"


def run(
    store: Path, docs: list[dict[str, Any]], ids: list[str], *, smart: bool, train_after: int = 0
) -> tuple[Counter[str], int, float]:
    session = Session(store, "sim")
    started = time.perf_counter()
    wrong = 0
    try:
        for n, (doc, aid) in enumerate(zip(docs, ids, strict=True)):
            if train_after and n == train_after:
                print(f"  after {n} articles: {train_and_reextract(store, store.parent / 'model')}", flush=True)
            review(session, aid, doc["gold"], smart=smart)
            wrong += not check(session, aid, doc["gold"])
    finally:
        session.close()
    return session.counts, wrong, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "conllpp")
    parser.add_argument("--docs", type=int, default=216)
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--train-after",
        type=int,
        default=0,
        help="Also run the desk loop: newsreview as above, plus 'newsreview train' after this many "
        "articles and 'reextract' of the rest with the trained model (0: not run).",
    )
    args = parser.parse_args()
    docs = documents(args.data / "conllpp_dev.txt", args.docs)
    gold_total = sum(len(d["gold"]) for d in docs)
    results = {}
    with tempfile.TemporaryDirectory(prefix="nr-sim-", dir=os.environ.get("BENCH_DIR")) as tmp:
        feed = Path(tmp) / "conllpp_dev.jsonl"
        feed.write_text("".join(json.dumps({"id": d["id"], "text": d["text"], "title": d["id"]}) + "\n" for d in docs))
        runs = [("mention by mention", False, 0), ("newsreview", True, 0)]
        if args.train_after:
            runs.append((f"newsreview, trained after {args.train_after}", True, args.train_after))
        for name, smart, train_after in runs:
            store = Path(tmp) / name.replace(" ", "-").replace(",", "")
            store.mkdir()
            store = store / "store"
            cmd = [*NEWSREVIEW, "add", str(feed), "--store", str(store), "--labels", LABELS]
            cmd += ["--suggestions", "on" if smart else "off"]
            if args.model:
                cmd += ["--model", args.model]
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            counts, wrong, seconds = run(store, docs, [d["id"] for d in docs], smart=smart, train_after=train_after)
            results[name] = counts
            total = sum(counts.values())
            parts = ", ".join(f"{k} {v}" for k, v in counts.most_common())
            print(
                f"{name}: {total} decisions = {100 * total / gold_total:.1f} per 100 gold entities ({parts}); "
                f"{len(docs) - wrong}/{len(docs)} articles equal the gold; {seconds:.0f} s",
                flush=True,
            )
            if wrong:
                raise SystemExit(f"{name}: {wrong} article(s) do not equal the gold after review")
    base, ours = (sum(results[n].values()) for n in ("mention by mention", "newsreview"))
    print(f"gold entities: {gold_total} in {len(docs)} documents; ratio {ours / base:.3f} (must be <= 0.65)")
    last = f"baseline_per_100={100 * base / gold_total:.1f} newsreview_per_100={100 * ours / gold_total:.1f} "
    last += f"ratio={ours / base:.3f}"
    if args.train_after:
        looped = sum(results[runs[-1][0]].values())
        print(f"with the desk loop (train after {args.train_after}): ratio {looped / base:.3f}")
        last += f" trained_per_100={100 * looped / gold_total:.1f} trained_ratio={looped / base:.3f}"
    print(last)


if __name__ == "__main__":
    main()
