"""Could another way of making a decision durable let eight writers at once keep up with one alone?

    python bench/sync_floor.py [--writers 8] [--lines 2000] [--rounds 3] [--folder DIR] [--ways a,b]

The flat-out bar of ``team_bench.py`` (8 reviewers' p95 within 2x of one alone) is not met on this
machine, and ``floor_writer.py`` says the floor — a process that does nothing but append a line and
fdatasync it — is itself 3x or more. This script measures, in the same run, whether a different
durable write would lower that floor. Each way runs as separate processes (no Python beyond the
loop), 1 alone then N at once, and prints the p95 ratio (N's worst process over the one alone):

- ``append``: our design — each writer appends to its own file and fdatasyncs it;
- ``prealloc``: each writer's file written full of zeros and synced first, then lines overwritten in
  place (no size change, so fdatasync has no metadata to commit: the PostgreSQL WAL trick);
- ``shared``: one file for all writers, group commit — append under a lock, then whoever finds its
  line not yet covered by a finished fdatasync syncs everything written so far for all of them;
- ``syncfs``: each writer appends to its own file, group commit with one ``syncfs`` (Linux) covering
  every writer's file at once;
- ``dsync``: each writer appends to its own file opened with ``O_DSYNC`` (the write returns once the
  line is durable: one system call instead of write + fdatasync).

The folder must be on the filesystem a store would use (default: a temporary folder under the
current directory). Results vary from run to run; read them within one run.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import mmap
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINE = b'{"article": "a-000001", "candidate": "e-0123456789ab", "action": "accept", "t": 1733250000.1}\n'
WAYS = ("append", "prealloc", "shared", "syncfs", "dsync")


def writer(way: str, folder: Path, who: int, lines: int) -> list[float]:
    """One writer's loop; returns each line's durable-write latency in seconds."""
    own = folder / f"{who}.jsonl"
    lat: list[float] = []
    if way == "dsync":
        fd = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_DSYNC, 0o644)
        for _ in range(lines):
            t = time.perf_counter()
            os.write(fd, LINE)
            lat.append(time.perf_counter() - t)
        os.close(fd)
        return lat
    if way in ("append", "prealloc"):
        if way == "append":
            fd = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        else:
            fd = os.open(own, os.O_RDWR | os.O_CREAT, 0o644)
            os.write(fd, b"\0" * (len(LINE) * (lines + 1)))
            os.fsync(fd)
        offset = 0
        for _ in range(lines):
            t = time.perf_counter()
            if way == "append":
                os.write(fd, LINE)
            else:
                os.pwrite(fd, LINE, offset)
                offset += len(LINE)
            os.fdatasync(fd)
            lat.append(time.perf_counter() - t)
        os.close(fd)
        return lat
    # group commit: byte 0 of the control file locks appends, byte 8 the sync; bytes 8-16 hold how
    # much is durable (a byte offset of the shared file, or a ticket number for syncfs)
    ctl = os.open(folder / "control", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.lockf(ctl, fcntl.LOCK_EX, 1, 0)
    if os.fstat(ctl).st_size < 16:
        os.ftruncate(ctl, 16)
    fcntl.lockf(ctl, fcntl.LOCK_UN, 1, 0)
    state = mmap.mmap(ctl, 16)
    target = folder / "shared.jsonl" if way == "shared" else own
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    libc = ctypes.CDLL(None, use_errno=True)
    for _ in range(lines):
        t = time.perf_counter()
        fcntl.lockf(ctl, fcntl.LOCK_EX, 1, 0)
        os.write(fd, LINE)
        if way == "shared":
            mine = os.lseek(fd, 0, os.SEEK_END)
        else:  # a ticket taken after the write: a syncfs started later covers it
            mine = struct.unpack_from("Q", state, 0)[0] + 1
            struct.pack_into("Q", state, 0, mine)
        fcntl.lockf(ctl, fcntl.LOCK_UN, 1, 0)
        fcntl.lockf(ctl, fcntl.LOCK_EX, 1, 8)
        if struct.unpack_from("Q", state, 8)[0] < mine:
            fcntl.lockf(ctl, fcntl.LOCK_EX, 1, 0)
            upto = os.lseek(fd, 0, os.SEEK_END) if way == "shared" else struct.unpack_from("Q", state, 0)[0]
            fcntl.lockf(ctl, fcntl.LOCK_UN, 1, 0)
            if way == "shared":
                os.fdatasync(fd)
            elif libc.syncfs(fd) != 0:
                raise OSError(ctypes.get_errno(), "syncfs")
            struct.pack_into("Q", state, 8, upto)
        fcntl.lockf(ctl, fcntl.LOCK_UN, 1, 8)
        lat.append(time.perf_counter() - t)
    os.close(fd)
    return lat


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run(way: str, folder: Path, writers: int, lines: int) -> float:
    """The worst writer's p95 (ms) with ``writers`` processes started together."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    cmd = [sys.executable, __file__, "--lines", str(lines), "--child", way, str(folder)]
    procs = [subprocess.Popen([*cmd, str(i)], stdout=subprocess.PIPE, text=True) for i in range(writers)]
    if any(p.wait() for p in procs):
        raise SystemExit(f"sync_floor: a {way} writer failed")
    worst = max(float(p.stdout.read()) for p in procs if p.stdout)
    shutil.rmtree(folder)
    return worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--folder", type=Path, default=None)
    ap.add_argument("--ways", default=",".join(WAYS), help="comma-separated, of: " + ", ".join(WAYS))
    ap.add_argument("--child", nargs=3, metavar=("WAY", "FOLDER", "WHO"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        way, folder, who = args.child
        print(p95(writer(way, Path(folder), int(who), args.lines)) * 1000)
        return
    base = Path(tempfile.mkdtemp(prefix="sync-floor-", dir=args.folder or Path.cwd()))
    try:
        ways = [w for w in args.ways.split(",") if w]
        if unknown := [w for w in ways if w not in WAYS]:
            raise SystemExit(f"sync_floor: unknown way {unknown[0]!r} (use {', '.join(WAYS)})")
        ratios: dict[str, list[float]] = {w: [] for w in ways}
        for r in range(args.rounds):
            for way in ways:  # alternating, so the machine's drift falls on every way alike
                alone = run(way, base / way, 1, args.lines)
                together = run(way, base / way, args.writers, args.lines)
                ratios[way].append(together / alone)
                print(
                    f"round {r + 1} {way:8} p95 alone {alone:.2f} ms, {args.writers} at once {together:.2f} ms: "
                    f"x{together / alone:.2f}",
                    flush=True,
                )
        print(" ".join(f"{w}_p95_ratio={statistics.median(v):.2f}" for w, v in ratios.items()))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
