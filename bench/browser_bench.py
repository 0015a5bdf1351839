"""Key-to-screen latency of the review screen in a browser (``newsreview serve``), beside a terminal.

    python bench/browser_bench.py [--presses 50] [--screenshot docs/serve.png]

Both sides are whole processes as a user runs them, on two copies of one store (the sample article,
added with ``newsreview add``), accepting ``a`` the same number of times:

- **terminal**: ``newsreview`` in a pseudo-terminal of the browser's size; the time from writing ``a``
  to the pty until the bytes that redraw the status bar with the new count (``N/T decided here``)
  have been read back. No terminal emulator paints them, so this is the app's side only.
- **browser**: ``newsreview serve`` on a free loopback port, Debian's Chromium driven by Playwright.
  In the page: the key's ``keydown`` timestamp, the time the websocket message carrying
  ``N/T decided here`` arrived (the same point as the terminal figure, plus the server's relay and
  the websocket), and the time the frame showing it was drawn — xterm.js draws on a canvas, so
  "shown" is when the canvas's top rows (the status bar) changed, checked after every animation
  frame (at 60 frames/s, so that figure carries up to one frame of wait for the next frame).

p50 and p95 over the presses; the last line is parseable:
``terminal_p95_ms=… browser_bytes_p95_ms=… browser_painted_p95_ms=… painted_vs_terminal_p95=…``.
"""

from __future__ import annotations

import argparse
import codecs
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from serve_support import EXE, Served, chromium_path, launch, login, new_page, wait_stream, wait_tabs_gone

SAMPLE = ROOT / "examples" / "uk-russia-iran-drones.txt"
PAUSE = 0.15  # between presses: each press is timed alone, not queued behind the last


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):6.1f} ms   p95 {p95(values):6.1f} ms   max {max(values):6.1f} ms"


def make_store(folder: Path) -> tuple[Path, int]:
    store = folder / "store"
    subprocess.run(
        [str(EXE), "add", str(SAMPLE), "--store", str(store)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    sys.path.insert(0, str(ROOT))
    from tui.store import ReviewStore

    with ReviewStore.open(store) as st:
        total = st.totals()[1]
    return store, total


def screen_size(text: str) -> tuple[int, int]:
    """The terminal size the app drew for, from the cursor moves in its output (CSI row;col H)."""
    rows = cols = 0
    for row, col in re.findall(r"\x1b\[(\d+);(\d+)H", text):
        rows, cols = max(rows, int(row)), max(cols, int(col))
    return cols, rows


def browser_run(
    store: Path, total: int, presses: int, config: Path, screenshot: Path | None, viewport: tuple[int, int]
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    keys_bytes: list[float] = []
    keys_painted: list[float] = []
    with Served(store, env={"NEWSREVIEW_CONFIG_DIR": str(config)}) as served, sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_page(browser, viewport=viewport)
        login(page, served.url, name="bench-browser")
        wait_stream(page, f"0/{total} decided here")
        time.sleep(1.0)  # let start-up settle (fonts, first frames)
        if page.evaluate("() => window.__nr.canvasSum()") is None:
            raise SystemExit("the terminal is not drawn on a 2D canvas here: cannot time the paint")
        for n in range(1, presses + 1):
            page.evaluate("(needle) => window.__nr.arm(needle)", f" {n}/{total} decided here")
            page.keyboard.press("a")
            page.wait_for_function("() => window.__nr.armed.paintedAt !== null", timeout=10_000)
            armed = page.evaluate("() => window.__nr.armed")
            keys_bytes.append(armed["bytesAt"] - armed["keyAt"])
            keys_painted.append(armed["paintedAt"] - armed["keyAt"])
            time.sleep(PAUSE)
        size = screen_size(page.evaluate("() => window.__nr.text"))
        version = browser.version
        page.context.close()  # the tab's process quits and lets go of the store
        if screenshot is not None:
            wait_tabs_gone(served)
            shot = new_page(browser, viewport=(1200, 640))
            login(shot, served.url, name="ana")
            wait_stream(shot, "decided here")
            time.sleep(1.5)
            shot.screenshot(path=str(screenshot))
        browser.close()
    return {"bytes": keys_bytes, "painted": keys_painted, "size": size, "version": version}


def terminal_run(store: Path, total: int, presses: int, size: tuple[int, int], config: Path) -> list[float]:
    cols, rows = size
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "NEWSREVIEW_CONFIG_DIR": str(config)}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    proc = subprocess.Popen(
        [str(EXE), "--store", str(store), "--reviewer", "bench-terminal"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = ""

    def read_until(needle: str, start: int, timeout: float) -> float:
        nonlocal text
        deadline = time.perf_counter() + timeout
        while needle not in text[start:]:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SystemExit(f"terminal: {needle!r} never arrived")
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                text += decoder.decode(os.read(master, 65536))
        return time.perf_counter()

    latencies = []
    try:
        read_until(f"0/{total} decided here", 0, 60)
        settle = time.perf_counter() + 1.0
        while time.perf_counter() < settle:  # drain start-up output
            if select.select([master], [], [], 0.05)[0]:
                text += decoder.decode(os.read(master, 65536))
        for n in range(1, presses + 1):
            mark = len(text)
            start = time.perf_counter()
            os.write(master, b"a")
            done = read_until(f" {n}/{total} decided here", mark, 10)
            latencies.append((done - start) * 1000)
            pause = time.perf_counter() + PAUSE
            while time.perf_counter() < pause:
                if select.select([master], [], [], 0.01)[0]:
                    text += decoder.decode(os.read(master, 65536))
        os.write(master, b"q")
        proc.wait(20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--screenshot", type=Path, help="also save a screenshot of the served app here (PNG)")
    parser.add_argument("--viewport", default="1400x900", help="browser window in CSS pixels (default 1400x900)")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # processes as an installed newsreview runs: bytecode cached
    if chromium_path() is None:
        raise SystemExit("needs Debian's Chromium: apt-get install chromium")
    if not EXE.exists():
        raise SystemExit(f"{EXE} is not installed: pip install -e '.[test]'")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store, total = make_store(folder)
        if total <= args.presses:
            raise SystemExit(f"the sample has {total} candidates: at most {total - 1} presses")
        copy = folder / "store-terminal"
        shutil.copytree(store, copy)
        width, height = (int(v) for v in args.viewport.lower().split("x"))
        browser = browser_run(store, total, args.presses, folder / "cfg", args.screenshot, (width, height))
        terminal = terminal_run(copy, total, args.presses, browser["size"], folder / "cfg")
    cols, rows = browser["size"]
    print(
        f"sample article, {total} candidates; {args.presses} presses of 'a' each; "
        f"{cols}x{rows} cells ({args.viewport} px window)"
    )
    print(f"Chromium {browser['version']} (headless, software rendering), Playwright")
    print(f"terminal  key -> status bar bytes read back      {summary(terminal)}")
    print(f"browser   key -> status bar bytes in the page    {summary(browser['bytes'])}")
    print(f"browser   key -> frame showing the decision      {summary(browser['painted'])}")
    ratio = p95(browser["painted"]) / p95(terminal)
    print(
        f"terminal_p95_ms={p95(terminal):.1f} browser_bytes_p95_ms={p95(browser['bytes']):.1f} "
        f"browser_painted_p95_ms={p95(browser['painted']):.1f} painted_vs_terminal_p95={ratio:.2f}"
    )


if __name__ == "__main__":
    main()
