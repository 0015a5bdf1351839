"""Python's garbage collector, run between the analyst's keys instead of inside them.

Left automatic, the collector runs whenever enough objects were allocated — and a frame of the
review screen allocates thousands (strips, segments, styles), so every few keys one of them paid a
collection: 2-3 ms for the young generations, 10 ms and more for a full one (ui_bench counted them in
the slowest keys). Here the automatic collector is off once the app is up; :class:`IdleCollector`
runs it from a timer when no key or click came for a tenth of a second: the young generations each time there
is something to collect, a full collection now and then. Start-up objects (and the spaCy pipeline,
once loaded — srsly turns automatic collection back on then, and the next tick turns it off again)
are frozen out of the scans (``gc.freeze``). Memory stays bounded while keys never stop
(a key held down): past :data:`BUSY_CAP` uncollected allocations the young generations are collected
anyway.

Every :data:`YOUNG_PER_FULL`-th of those collections is a full one (Python's own rhythm: its third
threshold is 10). What lives through a young collection moves to the old generation, and a dialog is
open longer than that: closed, it was garbage that only a full collection frees — and those waited
for a second without keys. An analyst who kept going (keys every 0.12 s: the queue, the help, the
editor, a decision, the next article) piled up 640,000 objects in 20 articles, 1 GB of memory in 100,
and the full collection that came at last took 0.7 s (bench/memory_bench.py ``--dialogs``). Collected
in this rhythm, the old generation holds what lives plus a few dialogs' worth: a full collection then
takes a few milliseconds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

TICK = 0.1  # seconds between checks
IDLE = 0.1  # seconds without input before collecting (often: each collection is then small)
FULL_IDLE = 1.0  # seconds without input before a full collection
FULL_EVERY = 30.0  # seconds between full collections, at most
BUSY_CAP = 200_000  # uncollected allocations (~200 keys) after which the young generations are collected regardless
YOUNG_PER_FULL = 10  # young collections after which the next collection is a full one


class IdleCollector:
    """``start()`` takes the collector over; ``tick()`` (every :data:`TICK` s) collects when idle;
    ``stop()`` gives it back (automatic collection on again)."""

    def __init__(
        self,
        last_input: Callable[[], float],
        now: Callable[[], float] = time.monotonic,
        before_full: Callable[[], object] | None = None,
    ) -> None:
        self.last_input = last_input
        self.now = now
        self.before_full = before_full  # run before each full collection (the app lets go of watchers)
        self.last_full = now()
        self.was_enabled = False
        self.running = False
        self.young = self.full = 0  # collections run (for tests and a curious reader)
        self._since_full = 0

    def start(self) -> None:
        if self.running:
            return
        self.was_enabled = gc.isenabled()
        self._take()  # what start-up made lives as long as the app
        self.running = True
        self.last_full = self.now()

    @staticmethod
    def _take() -> None:
        """Automatic collection off, and every object alive now out of the scans (``gc.freeze``)."""
        gc.freeze()
        gc.disable()

    def stop(self) -> None:
        # What start() froze stays frozen: the interpreter's last collection at exit skips it (given
        # back to the scans, the whole heap was scanned on the way out: 0.1-0.2 s more to quit and on
        # every start-up probe). A process that runs many apps (the tests) unfreezes between them.
        if self.running and self.was_enabled:
            gc.enable()
        self.running = False

    def tick(self) -> None:
        if not self.running:
            return
        if gc.isenabled():  # a library turned it back on (srsly does, loading a spaCy model in a worker)
            gc.collect()  # the garbage first: frozen, it would never be collected (QA: +300k objects frozen)
            self._take()  # what it loaded lives as long as the app
        t = self.now()
        idle = t - self.last_input()
        pending = gc.get_count()[0]
        due = (idle >= IDLE and pending >= gc.get_threshold()[0]) or pending >= BUSY_CAP
        if (due and self._since_full >= YOUNG_PER_FULL) or (
            idle >= FULL_IDLE and t - self.last_full >= FULL_EVERY and (self._since_full or pending)
        ):
            if self.before_full is not None:
                self.before_full()
            gc.collect()
            self.full += 1
            self.last_full = t
            self._since_full = 0
        elif due:
            gc.collect(1)
            self.young += 1
            self._since_full += 1
