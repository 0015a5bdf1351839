"""Helpers for driving ``newsreview serve`` in a real browser (tests/test_serve.py, bench/browser_bench.py).

- :class:`Served`: a real ``newsreview serve`` process on a free loopback port (``--port 0``), its
  output collected; stopped with SIGTERM like ctrl+c.
- :func:`launch`: Debian's Chromium driven by Playwright (``executable_path``; Playwright's own
  browser download is not used), with the flags this machine needs.
- :data:`RECORDER`: an init script that records, in the page, what the app sent over the websocket
  (decoded text: the terminal stream), when a key went down, when those bytes arrived and when the
  terminal's canvas changed — xterm.js draws on a canvas, so "what the screen shows" is read from
  the stream and the canvas, not from DOM text.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).with_name("newsreview")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("NEWSREVIEW_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium (Playwright gives it a fresh profile directory)."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


class Served:
    """``newsreview serve --port 0 ARGS`` as a real process; ``url`` once it listens."""

    def __init__(self, store: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 30) -> None:
        self.store = store
        self.args = args
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.timeout = timeout
        self.lines: list[str] = []
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> Served:
        command = [str(EXE) if EXE.exists() else sys.executable, *([] if EXE.exists() else ["-m", "tui"])]
        self.proc = subprocess.Popen(
            [*command, "serve", "--store", str(self.store), "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            cwd=ROOT,
        )
        found = threading.Event()

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                match = re.search(r" at (https?://\S+/) ", line)
                if match and not self.url:
                    self.url = match.group(1)
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(self.timeout) or not self.url:
            self.__exit__()
            raise AssertionError("newsreview serve did not start:\n" + self.output)
        return self

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def tab_pids(output: str) -> list[int]:
    """The tab processes a server started, from its own lines ("tab opened for NAME (pid N; …")."""
    return [int(pid) for pid in re.findall(r"tab opened for .* \(pid (\d+);", output)]


def alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.exists():  # Linux: a zombie has exited
        try:
            return stat.read_text().rsplit(") ", 1)[1][:1] != "Z"
        except (FileNotFoundError, ProcessLookupError, IndexError):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_tabs_gone(served: Served, timeout: float = 20) -> None:
    """Every tab process the server started has exited."""
    pids = tab_pids(served.output)
    assert pids, served.output
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            raise AssertionError(f"tab processes still running: {[p for p in pids if alive(p)]}")
        time.sleep(0.1)


RECORDER = r"""
(() => {
  const nr = (window.__nr = { text: "", sockets: 0, closed: 0, armed: null });
  const Native = window.WebSocket;
  class RecordingWebSocket extends Native {
    constructor(...args) {
      super(...args);
      nr.sockets += 1;
      const decoder = new TextDecoder();
      this.addEventListener("close", () => { nr.closed += 1; });
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string") return;
        nr.text += decoder.decode(new Uint8Array(event.data), { stream: true });
        const a = nr.armed;
        if (a && a.bytesAt === null && a.keyAt !== null && nr.text.indexOf(a.needle, a.from) >= 0) {
          a.bytesAt = performance.now();
        }
      });
    }
  }
  window.WebSocket = RecordingWebSocket;

  // A checksum of the top rows of xterm's text canvas (where the status bar is drawn).
  nr.canvasSum = () => {
    const canvas = document.querySelector("canvas.xterm-text-layer");
    const ctx = canvas && canvas.getContext("2d");
    if (!ctx) return null;
    const rows = Math.max(1, Math.round(canvas.height / 40));
    const data = ctx.getImageData(0, 0, canvas.width, rows).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i] + data[i + 1] * 7 + data[i + 2] * 13) >>> 0;
    return sum;
  };
  // arm(needle): the next key press is timed until `needle` arrives in the stream (after what is
  // there now) and until the canvas's top rows change.
  nr.arm = (needle) => {
    nr.armed = { needle, from: nr.text.length, keyAt: null, bytesAt: null, paintedAt: null, base: nr.canvasSum() };
  };
  document.addEventListener("keydown", (event) => {
    if (nr.armed && nr.armed.keyAt === null) nr.armed.keyAt = event.timeStamp;
  }, true);
  // After each frame (rAF, then a task once the frame's callbacks, xterm's renderer among them, ran).
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const a = nr.armed;
    if (a && a.bytesAt !== null && a.paintedAt === null && nr.canvasSum() !== a.base) a.paintedAt = performance.now();
  };
  const frame = () => { channel.port2.postMessage(0); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
"""


def new_page(browser: Any, viewport: tuple[int, int] = (1400, 900), **options: Any) -> Any:
    """A page in a fresh context (its own cookies), with :data:`RECORDER` installed."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **options)
    context.add_init_script(RECORDER)
    page = context.new_page()
    return page


def stream_mark(page: Any) -> int:
    return int(page.evaluate("() => window.__nr.text.length"))


def wait_stream(page: Any, needle: str, after: int = 0, timeout: float = 30) -> None:
    """Wait until the app has sent ``needle`` (after offset ``after`` of the stream)."""
    try:
        page.wait_for_function(
            "([n, after]) => window.__nr && window.__nr.text.indexOf(n, after) >= 0",
            arg=[needle, after],
            timeout=timeout * 1000,
        )
    except Exception as err:
        tail = page.evaluate("() => window.__nr ? window.__nr.text.slice(-3000) : ''")
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", tail)
        raise AssertionError(f"{needle!r} never arrived; last of the stream: {plain[-1500:]!r}") from err


def login(page: Any, url: str, *, name: str | None = None, token: str | None = None) -> None:
    """Open the server and log in (token link and/or name form), then wait for the review screen."""
    page.goto(url + (f"?token={token}" if token else ""))
    if name is not None:
        page.fill("input[name=name]", name)
        page.click("button[type=submit]")
    page.wait_for_selector(".xterm-helper-textarea", state="attached", timeout=30_000)


def press(page: Any, key: str, needle: str, timeout: float = 20) -> None:
    """Press ``key`` in the terminal and wait for ``needle`` to arrive after it."""
    mark = stream_mark(page)
    page.keyboard.press(key)
    wait_stream(page, needle, mark, timeout)
