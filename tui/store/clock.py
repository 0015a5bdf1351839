"""The store's clock: what records are stamped with, and how far a machine's clock is from the store's.

A desk's machines do not agree on the time (one minutes behind, one a day ahead). Each engine reads
the store's own clock now and then — a folder store's from a file's modification time on its
filesystem, a PostgreSQL store's from its server — and keeps the difference from this machine's as
an *offset*; stamps and lease times are this machine's clock moved by it. No I/O here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EVERY = 60.0  # seconds between two readings of the store's clock
SLACK = 2.0  # a difference below this is timestamp granularity or a round trip, not a skew


def now(offset: float = 0.0) -> str:
    """The time to stamp a record with (UTC, milliseconds): this machine's clock moved by ``offset``
    seconds, the engine's offset to the store's clock."""
    moment = datetime.now(UTC)
    if offset:
        moment += timedelta(seconds=offset)
    return moment.isoformat(timespec="milliseconds")


def skew(reference: float, before: float, after: float) -> float:
    """The offset from this machine's clock to the store's, given the store's time ``reference`` read
    between this machine's ``before`` and ``after``: 0 when within :data:`SLACK`."""
    measured = reference - (before + after) / 2
    return measured if abs(measured) >= SLACK else 0.0
