"""The least a durable decision can cost: a reviewer's process that does nothing but the durable part.

    python bench/floor_writer.py JOURNAL   (decisions as JSON lines on stdin, one result line each)

Each line read is appended to JOURNAL and fdatasync'd, then ``{"ok": true}`` is written and flushed —
no parsing, no checks, no store. ``team_bench.py`` drives it exactly as it drives ``newsreview apply -``
to measure, in the same run, the ratio this machine allows any design that makes each decision
durable before acknowledging it.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        os.write(fd, line)
        os.fdatasync(fd)
        out.write(b'{"ok": true}\n')
        out.flush()
    os.close(fd)


if __name__ == "__main__":
    main()
