"""The refusal of a reviewer's lock held on this machine says how to free it (QA over SSH, stop 44: an
app whose connection froze rather than dropped held the lock for good; one suspended with Ctrl-Z in
another session too; the refusal said neither)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tui.store import ReviewStore, StoreLocked
from tui.store.lock import holder_hint

from support import ROOT, make_extraction

HOLD = """
import sys, time
from tui.store import ReviewStore
st = ReviewStore.open(sys.argv[1], write=True, reviewer="ana", holder="'newsreview review'")
print("held", flush=True)
time.sleep(60)
"""


@pytest.fixture
def held(tmp_path):
    with ReviewStore.open(tmp_path / "store", write=True, reviewer="setup") as st:
        st.add_article(make_extraction("Moscow is cold.", [("Moscow", "GPE")]))
    script = tmp_path / "bin" / "newsreview"  # named as the command is: the hint names newsreviews only
    script.parent.mkdir()
    script.write_text(HOLD, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "store")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield tmp_path / "store", proc
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait()


def refusal(path) -> str:
    with pytest.raises(StoreLocked) as caught:
        ReviewStore.open(path, write=True, reviewer="ana")
    return str(caught.value)


def test_a_holder_on_this_machine_is_named_with_the_kill_that_frees_it(held):
    path, proc = held
    said = refusal(path)
    assert f"pid {proc.pid}" in said and f"close it with 'kill {proc.pid}'" in said
    os.kill(proc.pid, signal.SIGSTOP)
    deadline = time.monotonic() + 5
    while "is stopped" not in (said := refusal(path)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert f"Process {proc.pid} is stopped" in said and f"'kill -KILL {proc.pid}'" in said
    os.kill(proc.pid, signal.SIGKILL)  # as advised
    proc.wait(10)
    with ReviewStore.open(path, write=True, reviewer="ana"):  # freed
        pass


def test_no_hint_for_a_note_that_names_a_process_that_is_no_newsreview_or_holds_nothing(held, tmp_path):
    """Anyone who can write the store can write a lock's note: it is believed only as far as this
    machine confirms it (independent review, stop 44)."""
    import socket

    path, proc = held
    note = f"'newsreview review' (pid {{}} on {socket.gethostname()}, since now)"
    assert holder_hint(note.format(os.getpid())) == ""  # pytest: no newsreview
    lock = next((path / "journals").glob("ana*.lock"))
    assert holder_hint(note.format(proc.pid), lock) != ""  # the holder itself
    other = tmp_path / "other.lock"
    other.write_text("")
    assert holder_hint(note.format(proc.pid), other) == ""  # a newsreview, but not this lock's holder


def test_no_hint_for_a_holder_elsewhere_or_gone():
    assert holder_hint("'newsreview review' (pid 1 on some-other-host, since 2026-12-05 10:00:00 UTC)") == ""
    assert holder_hint("another process") == ""
    import socket

    gone = 2**22 + 12345  # above the default pid_max: no such process
    assert holder_hint(f"'x' (pid {gone} on {socket.gethostname()}, since now)") == ""
