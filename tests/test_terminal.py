"""The app's look at its terminal: none when it reads no terminal (``newsreview serve``'s tabs read a
pipe), and a hung-up one told from a live one."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tui.app.terminal import hung_up


def test_no_terminal_when_stdin_is_a_pipe_or_a_file():
    """A serve tab's stdin is a pipe: tcgetattr raises termios.error (no OSError), which must not
    escape — it crashed every tab's start."""
    code = "from tui.app.terminal import terminal_fd; print(terminal_fd())"
    for stdin in (subprocess.PIPE, subprocess.DEVNULL):
        out = subprocess.run([sys.executable, "-c", code], stdin=stdin, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "None", out.stderr


def test_a_pty_is_live_until_its_master_closes():
    master, slave = pty.openpty()
    try:
        assert not hung_up(slave)
    finally:
        os.close(master)
    try:
        assert hung_up(slave)
    finally:
        os.close(slave)


def test_letting_go_of_a_hung_up_terminal_keeps_the_exit_status(tmp_path):
    """Under nohup the app closes itself on a hung-up terminal with status 129; what was still
    buffered for the terminal then failed to flush at exit and Python said 120 instead (seen under
    load). Once it lets go, writes to the dead terminal go nowhere and the status is the app's; a
    stream sent elsewhere (stderr to a file here) is kept."""
    import time

    log = tmp_path / "log"
    body = (
        "import signal, sys, time\n"
        "from tui.app.terminal import hung_up, let_go\n"
        "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        "while not hung_up(0): time.sleep(0.02)\n"
        "{let_go}\n"
        "sys.stdout.write('still buffered'); sys.stderr.write('to the log'); sys.exit(129)\n"
    )
    for letting_go, expected in ((False, {1, 120}), (True, {129})):
        master, slave = pty.openpty()
        with log.open("w") as err:
            code = body.format(let_go="let_go()" if letting_go else "")
            proc = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=err)
        os.close(slave)
        time.sleep(0.5)
        os.close(master)  # the hang-up
        assert proc.wait(timeout=30) in expected, letting_go
    assert log.read_text() == "to the log"


def test_a_closing_app_leaves_the_terminal_to_whoever_has_it():
    """QA (SSH, stop 47): the SIGCONT that comes with a hang-up ran Textual's resume while the app
    unwound ("internal error: no running event loop"), and `kill %1` of a suspended app (SIGTERM, then
    SIGCONT, in the background) stopped it again as it touched the terminal (SIGTTOU), holding the
    reviewer's lock. Once a terminating signal arrives, SIGCONT does nothing more and the terminal's
    job-control stops are off."""
    code = (
        "import signal\n"
        "from tui.lifecycle import terminate\n"
        "signal.signal(signal.SIGCONT, lambda *_: print('resumed'))\n"
        "try:\n"
        "    terminate(int(signal.SIGTERM), None)\n"
        "except KeyboardInterrupt as err:\n"
        "    print('unwinding', err.args[0])\n"
        "print(signal.getsignal(signal.SIGCONT) is signal.SIG_DFL, signal.getsignal(signal.SIGTTOU) is signal.SIG_IGN,"
        " signal.getsignal(signal.SIGTTIN) is signal.SIG_IGN)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split("\n")[:2] == ["unwinding 15", "True True True"]


def test_a_signal_whose_interrupt_is_lost_still_ends_the_process():
    """QA (SSH): a hang-up in the app's first second was lost while Textual started; the app ran on,
    holding its reviewer's lock, and SIGTERM did nothing more. The first terminating signal also
    starts a timer that ends the process, whatever became of the interrupt raised for it."""
    code = (
        "import os, signal, time\n"
        "import tui.lifecycle as cli\n"
        "cli.END_ANYWAY = 0.5\n"
        "cli._END_ANYWAY_ARMED = True\n"  # (as main() does)
        "signal.signal(signal.SIGTERM, cli.terminate)\n"
        "for i in range(100):\n"
        "    try:\n"
        "        if i == 0:\n"
        "            os.kill(os.getpid(), signal.SIGTERM)\n"
        "        time.sleep(0.1)\n"
        "    except KeyboardInterrupt:\n"
        "        print('swallowed', flush=True)\n"  # what Textual's start-up did with it
        "print('still running', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 143 and "still running" not in done.stdout
    assert "newsreview: SIGTERM was not handled in time; ending now" in done.stderr


def test_a_job_is_a_process_group_of_its_own_in_the_session():
    code = "from tui.app.terminal import is_job; print(is_job())"
    leader = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, start_new_session=True)
    job = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, process_group=0)
    assert (leader.stdout.strip(), job.stdout.strip()) == ("False", "True")
