"""Timing whole processes as a user starts them: the best wall time of ``runs`` runs of a command, in a
pseudo-terminal (``script``) when the program needs one (the review screen)."""

from __future__ import annotations

import shutil
import subprocess
import time


def best_time(cmd: list[str], env: dict[str, str], runs: int, *, tty: bool = False) -> float:
    best = float("inf")
    script = shutil.which("script")
    for _ in range(runs):
        t0 = time.perf_counter()
        if tty and script:
            line = " ".join(f"'{c}'" for c in cmd)
            subprocess.run(
                [script, "-qec", line, "/dev/null"], env=env, stdout=subprocess.DEVNULL, check=True, timeout=300
            )
        else:
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=600)
        best = min(best, time.perf_counter() - t0)
    return best
