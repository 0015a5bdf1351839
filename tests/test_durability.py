"""Acknowledged decisions survive kill -9; reviewers write side by side; one process per reviewer;
articles added by several processes at once are neither lost nor doubled. Real processes throughout."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.store import ReviewStore

from support import ROOT, SAMPLE, indexed, make_extraction

pytestmark = [pytest.mark.slow, pytest.mark.engines]


def spawn(store, *args, **kw):
    env = {**os.environ, "NEWSREVIEW_STORE": str(store)}
    return subprocess.Popen([sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, **kw)


def run(store, *args, input=None, timeout=120):
    env = {**os.environ, "NEWSREVIEW_STORE": str(store)}
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=ROOT,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def decision_lines(aid, cands, n):
    return [
        {
            "article": aid,
            "candidate": cands[i % len(cands)],
            "action": ("accept", "reject", "undo")[(i // len(cands)) % 3],
        }
        for i in range(n)
    ]


def test_sigkill_loses_no_acknowledged_decision(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    cands = [c["id"] for c in ex.entities + ex.claims]
    lines = decision_lines(aid, cands, 4000)
    proc = spawn(path, "apply", "-", "--reviewer", "ana", stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    acked: list[dict] = []
    try:
        for i, line in enumerate(lines):
            proc.stdin.write(json.dumps(line) + "\n")
            proc.stdin.flush()
            if i % 5 == 4:  # read the acknowledgements as they come
                for _ in range(5):
                    acked.append(json.loads(proc.stdout.readline()))
            if len(acked) >= 300:
                break
        for line in lines[len(acked) : len(acked) + 200]:  # send more without reading, then kill mid-stream
            proc.stdin.write(json.dumps(line) + "\n")
        proc.stdin.flush()
        time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(acked) >= 300 and all(a["ok"] for a in acked[:300]), acked[:3]
    with ReviewStore.open(path, reviewer="ana", write=True) as st:  # opens fine, holds every acknowledged decision
        expected: dict[str, list[str]] = {}
        for line in lines[: len(acked)]:
            expected.setdefault(line["candidate"], []).append(line["action"])
        for cid, actions in expected.items():
            assert [h["action"] for h in st.history(aid, cid)][: len(actions)] == actions
        st.decide(aid, cands[0], "edit", changes={"label": "ORG"})  # and the writer carries on


def test_same_reviewer_refused_other_reviewers_welcome_readers_still_work(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    holder = spawn(path, "apply", "-", "--reviewer", "ana", stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        holder.stdin.write(json.dumps({"article": aid, "candidate": ex.entities[0]["id"], "action": "accept"}) + "\n")
        holder.stdin.flush()
        assert json.loads(holder.stdout.readline())["ok"] is True
        started = time.monotonic()
        second = run(path, "apply", "-", "--reviewer", "ana", input="")
        assert second.returncode == 1 and time.monotonic() - started < 5
        assert "reviewer 'ana' already has" in second.stderr and "'newsreview apply'" in second.stderr
        assert f"pid {holder.pid}" in second.stderr and "Traceback" not in second.stderr
        assert second.stderr.count("\n") == 1
        # another reviewer writes at the same time, on the same candidate: nothing is overwritten
        bob = run(
            path,
            "apply",
            "-",
            "--reviewer",
            "bob",
            input=json.dumps({"article": aid, "candidate": ex.entities[0]["id"], "action": "reject"}) + "\n",
        )
        assert bob.returncode == 0 and json.loads(bob.stdout)["ok"] is True
        export = run(path, "export", "--include", "disputed")
        assert export.returncode == 0, export.stderr
        (article,) = json.loads(export.stdout)["articles"]
        (item,) = [e for e in article["entities"] if e["id"] == ex.entities[0]["id"]]
        assert item["status"] == "disputed"
        assert {(r["reviewer"], r["status"]) for r in item["reviews"]} == {("ana", "accepted"), ("bob", "rejected")}
        status = run(path, "status")
        assert status.returncode == 0 and "1 disputed" in status.stdout
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert holder.returncode == 0


def test_kill_one_of_several_concurrent_writers_loses_nothing_acknowledged(filled_store):
    path, ex = filled_store
    aid = ex.article.id
    cands = [c["id"] for c in ex.entities + ex.claims]
    names = ["r1", "r2", "r3", "r4"]
    procs = {
        n: spawn(path, "apply", "-", "--reviewer", n, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for n in names
    }
    acked: dict[str, int] = dict.fromkeys(names, 0)
    lines = decision_lines(aid, cands, 150)
    try:
        for i, line in enumerate(lines):
            for n, proc in procs.items():
                if proc.poll() is not None:
                    continue
                proc.stdin.write(json.dumps(line) + "\n")
                proc.stdin.flush()
                result = json.loads(proc.stdout.readline())
                assert result["ok"], result
                acked[n] += 1
            if i == 60:
                os.kill(procs["r2"].pid, signal.SIGKILL)
                procs["r2"].wait()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.stdin.close()
                proc.wait(timeout=30)
    with ReviewStore.open(path) as st:
        for n in names:
            count = sum(1 for c in cands for h in st.history(aid, c) if h["reviewer"] == n)
            assert count >= acked[n] > 0, (n, count, acked[n])
        assert {"r1", "r2", "r3", "r4"} <= set(st.reviewers())


def test_concurrent_adds_neither_lose_nor_double_an_article(store_path, tmp_path):
    feeds = []
    texts = [f"Article number {i} says the minister visited Kyiv on day {i}." for i in range(12)]
    for k in range(3):  # three overlapping feeds, added by three processes at once
        feed = tmp_path / f"feed{k}.jsonl"
        feed.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[k * 3 : k * 3 + 6]))
        feeds.append(feed)
    with ReviewStore.open(store_path, mode="add") as st:  # create the store first
        st.add_article(make_extraction("A seed article.", []))
    procs = [
        spawn(store_path, "add", str(f), "--reviewer", f"adder{i}", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i, f in enumerate(feeds)
    ]
    said = 0
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        said += int(re.search(rb"added (\d+), duplicate", out + err).group(1))
    assert said == 12  # each reports only what it added itself: a text another process won is a duplicate
    with ReviewStore.open(store_path) as st:
        titles = sorted(st.article_info(a)["title"] for a in st.article_ids())
        assert len(titles) == len(set(titles)) == 1 + 12
    assert [table for table, _ in indexed(store_path)].count("articles") == 13  # each article indexed once


def test_add_jobs_2_interrupted_releases_everything(store_path, tmp_path):
    """Ctrl-C (SIGINT to the whole group, as a terminal sends it) or SIGTERM during `add --jobs 2`: exit
    130/143 within seconds, no worker tracebacks, no worker left, and the store takes a writer at once."""
    feed = tmp_path / "feed.jsonl"
    base = SAMPLE.read_text(encoding="utf-8")
    feed.write_text("".join(json.dumps({"text": f"{base}\n\nUpdate {i}."}) + "\n" for i in range(60)))
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        proc = spawn(
            store_path,
            "add",
            str(feed),
            "--jobs",
            "2",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal's foreground
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # wait for the workers to be at work
            children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            if len(children) >= 2:
                break
            time.sleep(0.2)
        time.sleep(1.0)
        os.killpg(proc.pid, sig) if sig == signal.SIGINT else os.kill(proc.pid, sig)
        started = time.monotonic()
        _, err = proc.communicate(timeout=60)
        assert time.monotonic() - started < 10
        err = err.decode()
        assert proc.returncode == code, err
        assert "Traceback" not in err and "every decision made so far is saved" in err
        assert subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True).returncode == 1  # no worker left
        with ReviewStore.open(store_path, write=True) as st:  # not locked by a leftover
            st.article_ids()


def test_read_file_refuses_what_is_no_file_without_leaking_a_descriptor(tmp_path):
    """A folder or FIFO in a store file's place is refused at once, and the descriptor opened to see
    what it is closed (a live poll of a journal replaced by a folder leaked one per poll)."""
    import errno

    from tui.store.files import read_file

    folder, fifo, plain = tmp_path / "dir", tmp_path / "fifo", tmp_path / "file"
    folder.mkdir()
    os.mkfifo(fifo)
    plain.write_bytes(b"0123456789")
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        for path in (folder, fifo):
            with pytest.raises(OSError) as err:
                read_file(path)
            assert err.value.errno == errno.EINVAL and "not a regular file" in str(err.value)
    assert len(os.listdir("/proc/self/fd")) == before
    assert read_file(plain) == b"0123456789" and read_file(plain, 4, limit=3) == b"456"


def test_a_new_journal_s_name_is_on_disk_before_its_first_decision(tmp_path, monkeypatch):
    """QA (strace): a reviewer's first journal was created and its line fdatasync'd, but the folder
    holding its name was synced only later — a power cut could lose an acknowledged decision."""
    from tui.store import journal as journal_module

    synced: list[Path] = []
    monkeypatch.setattr(journal_module, "fsync_dir", lambda path: synced.append(Path(path)))
    (tmp_path / "journals").mkdir()
    j = journal_module.Journal(tmp_path / "journals" / "ann-1.jsonl")
    j.open_for_append()
    assert synced == [tmp_path / "journals"]
    j.close()
    again = journal_module.Journal(tmp_path / "journals" / "ann-1.jsonl")
    again.open_for_append()  # there already: nothing more to sync
    assert synced == [tmp_path / "journals"]
    again.close()
