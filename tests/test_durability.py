"""Acknowledged decisions survive kill -9; one writer at a time; readers keep working meanwhile."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tui.store import ReviewStore

from support import ROOT


def spawn(store, *args, **kw):
    env = {**os.environ, "NEWSREVIEW_STORE": str(store)}
    return subprocess.Popen([sys.executable, "-m", "tui", *args], cwd=ROOT, env=env, text=True, **kw)


def test_sigkill_loses_no_acknowledged_decision(filled_store, tmp_path):
    path, ex = filled_store
    aid = ex.article.id
    # many small decisions: alternate accept/reject/undo on every candidate, endlessly
    cands = [c["id"] for c in ex.entities + ex.claims]
    lines = []
    for i in range(4000):
        cid = cands[i % len(cands)]
        lines.append({"article": aid, "candidate": cid, "action": ("accept", "reject", "undo")[(i // len(cands)) % 3]})
    proc = spawn(path, "apply", "-", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    acked: list[dict] = []
    try:
        for i, line in enumerate(lines):
            proc.stdin.write(json.dumps(line) + "\n")
            proc.stdin.flush()
            if i % 5 == 4:  # read the acknowledgements as they come
                for _ in range(5):
                    acked.append(json.loads(proc.stdout.readline()))
            if len(acked) >= 600:
                break
        # send more without reading, then kill mid-stream
        for line in lines[len(acked) : len(acked) + 200]:
            proc.stdin.write(json.dumps(line) + "\n")
        proc.stdin.flush()
        time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(acked) >= 600 and all(a["ok"] for a in acked[:600]), acked[:3]
    with ReviewStore.open(path) as st:  # opens fine, and holds every acknowledged decision
        stored = sum(len(st.history(aid, c)) for c in cands)
        assert stored >= len(acked)
        # the replayed history equals applying the acknowledged prefix
        expected: dict[str, list[str]] = {}
        for line in lines[: len(acked)]:
            expected.setdefault(line["candidate"], []).append(line["action"])
        for cid, actions in expected.items():
            assert [h["action"] for h in st.history(aid, cid)][: len(actions)] == actions
    with ReviewStore.open(path, write=True) as st:  # and a writer can carry on
        st.decide(aid, cands[0], "edit", changes={"label": "ORG"})


def test_second_writer_is_refused_and_readers_still_work(filled_store):
    path, ex = filled_store
    holder = spawn(path, "apply", "-", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        holder.stdin.write(
            json.dumps({"article": ex.article.id, "candidate": ex.entities[0]["id"], "action": "accept"}) + "\n"
        )
        holder.stdin.flush()
        assert json.loads(holder.stdout.readline())["ok"] is True
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "tui", "apply", "-"],
            input="",
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "NEWSREVIEW_STORE": str(path)},
            timeout=30,
        )
        assert second.returncode == 1
        assert time.monotonic() - started < 5
        assert "is open for writing by 'newsreview apply'" in second.stderr
        assert f"pid {holder.pid}" in second.stderr and "Traceback" not in second.stderr
        assert second.stderr.count("\n") == 1
        # read-only commands keep working and see the acknowledged decision
        env = {**os.environ, "NEWSREVIEW_STORE": str(path)}
        export = subprocess.run(
            [sys.executable, "-m", "tui", "export"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
        )
        assert export.returncode == 0, export.stderr
        (article,) = json.loads(export.stdout)["articles"]
        assert [e["id"] for e in article["entities"]] == [ex.entities[0]["id"]]
        status = subprocess.run(
            [sys.executable, "-m", "tui", "status"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
        )
        assert status.returncode == 0 and "1 accepted" in status.stdout
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert holder.returncode == 0


@pytest.mark.parametrize("writers", [3])
def test_concurrent_writers_never_corrupt(filled_store, writers):
    """Several processes race to write: exactly the lock holder writes; the store always opens."""
    path, ex = filled_store
    line = json.dumps({"article": ex.article.id, "candidate": ex.entities[1]["id"], "action": "reject"}) + "\n"
    procs = [
        spawn(path, "apply", "-", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(writers)
    ]
    outs = [p.communicate(line * 3, timeout=60) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes.count(0) >= 1
    for (_out, err), code in zip(outs, codes, strict=False):
        if code != 0:
            assert "is open for writing" in err
    with ReviewStore.open(path) as st:
        assert st.candidate(ex.article.id, ex.entities[1]["id"])["status"] == "rejected"
