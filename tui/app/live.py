"""Live: what other reviewers do to the store, on screen within a second.

The review screen's store is one :class:`~tui.store.ReviewStore` object, used from the main thread.
Looking for what other processes wrote is I/O that may block — on PostgreSQL a lost connection is
re-made, which can take up to the server's ``connect_timeout`` — so it runs in a thread:

- :func:`guard` puts one re-entrant lock around the store's engine and its decision source, so the
  poller's thread and the main thread never use them at the same time (the engines are not
  thread-safe). The engine's ``poll`` runs in the thread (:meth:`GuardedEngine.fetch`) and its
  result waits in the guard until the main thread folds it with ``store.refresh()`` (in memory,
  cheap): the store's own state is only ever touched on the main thread. A lost PostgreSQL session
  is made again *outside* the lock (``reconnect_outside``): a connect can wait out the server's
  ``connect_timeout``, and a key pressed meanwhile fails at once ("not saved") instead of freezing.
- :class:`LiveFeed`, an invisible widget of the review screen, ticks every 0.3 s. A tick starts one
  thread worker (never two at once: a tick while one runs does nothing) that polls, reads who is on
  which article (about once a second) and writes this reviewer's own presence when the article on
  screen changed and every 15 s. On the main thread the feed folds what it found and tells every
  screen of the stack that has ``live_changed(changes, presence)``.
- A poll that fails (the server went away: :class:`~tui.store.StoreUnavailable`) changes nothing
  on screen but the alert each screen shows through ``live_alert(text)``; the next tick tries
  again, and the first one that works clears the alert and says so.
- A journal changed behind the open store (the engine's ``damage``: edited in place, cut, removed)
  is said once as a notification and stays on the status line; the poll reads that journal no
  further and the others' stay live.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from ..store import StoreError, StoreLocked, StoreUnavailable
from ..store.store import Changes
from .text import one_line

if TYPE_CHECKING:
    from textual.screen import Screen

    from ..store import ReviewStore

TICK = 0.3  # seconds between two looks at the store
PRESENCE_EVERY = 1.0  # seconds between two reads of who is where
HEARTBEAT = 15.0  # seconds between two writes of this reviewer's presence (stale after 60 s)

Presence = dict[str, dict[str, Any]]
_NONE = object()
#: seconds a call waits for the poller's look at the store before it fails ("not saved"): a server
#: whose session hangs (QA: a stopped backend) kept the poller inside the lock, and every key waited
BUSY_WAIT = 5.0


@contextlib.contextmanager
def _held(lock: threading.RLock) -> Iterator[None]:
    if not lock.acquire(timeout=BUSY_WAIT):
        raise StoreUnavailable(
            f"the store has not answered for {BUSY_WAIT:.0f} s (its server is stuck, or the network); "
            "nothing was saved, and newsreview keeps trying"
        )
    try:
        yield
    finally:
        lock.release()


class Guarded:
    """``target`` with every method call made under ``lock``; an iterator a method returns is
    advanced under the lock too."""

    def __init__(self, target: Any, lock: threading.RLock) -> None:
        self._target = target
        self._lock = lock

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return value
        lock = self._lock

        def call(*args: Any, **kwargs: Any) -> Any:
            with _held(lock):
                result = value(*args, **kwargs)
            if isinstance(result, Iterator):
                return _locked_iter(result, lock)
            return result

        return call


def _locked_iter(it: Iterator[Any], lock: threading.RLock) -> Iterator[Any]:
    while True:
        with _held(lock):
            try:
                item = next(it)
            except StopIteration:
                return
        yield item


class GuardedEngine(Guarded):
    """The engine under the lock, with its ``poll`` split in two: :meth:`fetch` (the I/O, in the
    poller's thread) and ``poll`` (what the store's ``refresh`` calls on the main thread: hands over
    what was fetched)."""

    def __init__(self, target: Any, lock: threading.RLock) -> None:
        super().__init__(target, lock)
        self._index: list[Any] = []
        self._decisions: list[dict[str, Any]] = []
        self.index_seen = False  # index records were handed over through a write (see append_index)

    def fetch(self) -> None:
        reconnect = getattr(self._target, "reconnect_outside", None)
        if reconnect is not None:  # a lost server session is made again without the lock held
            reconnect(self._lock)
        with self._lock:
            index, decisions = self._target.poll()
            self._index += index
            self._decisions += decisions

    def poll(self) -> tuple[list[Any], list[dict[str, Any]]]:
        with _held(self._lock):
            out = (self._index, self._decisions)
            self._index, self._decisions = [], []
            return out

    def _with_fetched(self, seen: list[Any]) -> list[Any]:
        """A write returns the index records others appended meanwhile, which the store folds before
        its own: the ones fetched but not handed over yet are older still, so they go first."""
        if not self._index:
            return seen
        early, self._index = self._index, []
        self.index_seen = True
        return early + list(seen)

    def append_index(self, records: list[Any]) -> list[Any]:
        with _held(self._lock):
            return self._with_fetched(self._target.append_index(records))

    def close(self) -> None:
        """Closed under the lock — unless the poller is stuck in the server's session: then left for
        the process's end to close (quitting must not hang with it)."""
        with contextlib.suppress(StoreUnavailable), _held(self._lock):
            self._target.close()

    def add_article(self, row: Any, body: Any, candidates: Any) -> tuple[str, str, list[Any]]:
        with _held(self._lock):
            status, aid, seen = self._target.add_article(row, body, candidates)
            return status, aid, self._with_fetched(seen)


def guard(store: ReviewStore) -> GuardedEngine:
    """Put the store's engine and decision source under one lock (once); returns the guarded engine."""
    engine = store.engine
    if isinstance(engine, GuardedEngine):
        return engine
    lock = threading.RLock()
    if hasattr(engine, "connect_here"):
        engine.connect_here = False  # the poller's thread reconnects, without the lock (see fetch)
    guarded = GuardedEngine(engine, lock)
    store.engine = guarded  # type: ignore[assignment,unused-ignore]  # the same interface, under the lock
    if store._log is not None:
        store._log = Guarded(store._log, lock)
    return guarded


@runtime_checkable
class LiveView(Protocol):
    """A screen that shows what others do: the feed calls these on the main thread."""

    def live_changed(self, changes: Changes, presence: Presence) -> None: ...

    def live_alert(self, text: str) -> None: ...


class LiveFeed(Widget):
    """The timer, the poll worker and the hand-over to the screens (no display of its own)."""

    DEFAULT_CSS = "LiveFeed { display: none; }"

    class Fetched(Message):
        """Posted by the worker: who is where (None: not read this time), or why the poll failed."""

        def __init__(
            self, presence: Presence | None, error: str | None, *, locked: bool = False, damage: str | None = None
        ) -> None:
            self.presence = presence
            self.error = error
            self.locked = locked  # the reviewer's writer lock is held elsewhere (not a lost server)
            self.damage = damage  # a journal changed behind the store (the engine's ``damage``)
            super().__init__()

    def __init__(self, store: ReviewStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.engine = guard(store)
        self.presence: Presence = {}
        self.alert = ""
        self._reason = ""  # the last failure, as the store said it
        self.damage = ""  # a journal changed behind the store: said once, then on the status line for good
        self._worker: Worker[None] | None = None
        self._announced: tuple[str | None, float] = (None, 0.0)  # (article, when) last written
        self._read_at = 0.0
        self.ticks = 0  # polls folded (tests wait on it)

    def on_mount(self) -> None:
        self.set_interval(TICK, self.tick)

    def article(self) -> str | None:
        """The article this reviewer has open: the ``aid`` of the topmost screen that has one (the
        adjudication screen over the review screen; a dialog or the queue has none)."""
        for screen in reversed(self.app.screen_stack):
            aid = getattr(screen, "aid", _NONE)
            if aid is not _NONE:
                return aid if isinstance(aid, str) else None
        return None

    def tick(self) -> None:
        if self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return  # the previous look is still going (a server reconnecting): one at a time
        aid = self.article()
        write = self.store.writable and (
            aid != self._announced[0] or time.monotonic() - self._announced[1] >= HEARTBEAT
        )
        if write:
            self._announced = (aid, time.monotonic())
        read = time.monotonic() - self._read_at >= PRESENCE_EVERY
        if read:
            self._read_at = time.monotonic()
        self._worker = self.run_worker(
            lambda: self._look(aid, write, read),
            name="live",
            group="live",
            thread=True,
            exit_on_error=False,
        )

    def _look(self, aid: str | None, write: bool, read: bool) -> None:
        """In the worker thread: the I/O of one tick. Never touches widgets or the store's state."""
        presence: Presence | None = None
        try:
            if write:
                self.store.set_presence(aid)
            self.engine.fetch()
            if read:
                presence = self.store.presence()
        except StoreError as err:
            self.post_message(self.Fetched(None, str(err), locked=isinstance(err, StoreLocked)))
            return
        except Exception as err:  # a poll must never take the app down: say what happened, try again
            self.post_message(self.Fetched(None, f"could not read the store: {type(err).__name__}: {err}"))
            return
        self.post_message(self.Fetched(presence, None, damage=self.engine.damage))

    def on_live_feed_fetched(self, message: Fetched) -> None:
        message.stop()
        if message.error is not None:
            self._set_alert(message.error, locked=message.locked)
            return
        if message.damage and not self.damage:
            self.damage = message.damage
            self.notify(message.damage, title="store", severity="error", markup=False, timeout=30)
            if not self._reason:
                self._set_alert("")
        try:
            changes = self.store.refresh()
        except StoreError as err:
            self._set_alert(str(err))
            return
        if self.engine.index_seen:
            self.engine.index_seen = False
            changes.index = True
        if self._reason:
            self._set_alert("")
            self.notify("the store is reachable again; the screen is up to date", markup=False, timeout=4)
        moved = message.presence is not None and message.presence != self.presence
        if message.presence is not None:
            self.presence = message.presence
        self.ticks += 1
        if not changes and not moved:
            return
        for screen in _live_views(self.app.screen_stack):
            try:
                screen.live_changed(changes, self.presence)
            except StoreError as err:  # the store failed while the screen read it: next tick
                self._set_alert(str(err))

    def _set_alert(self, text: str, *, locked: bool = False) -> None:
        """The store cannot be read: the whole reason once as a notification, and on the status line
        a short alert (first, so it is seen at any width) until a poll works again. ``locked``: the
        session came back but another process holds this reviewer's name meanwhile (QA: it read
        "store unreachable" while the server was up and an `apply` of the same name was running)."""
        if text:
            if text != self._reason:
                self.notify(
                    f"{text}\nThe screen keeps what it shows; newsreview keeps trying.",
                    title="store",
                    severity="error",
                    markup=False,
                    timeout=10,
                )
            self._reason = text
            said = "your reviewer name is open elsewhere" if locked else "store unreachable"
            text = f"⚠ {said}, retrying — {one_line(text, 70)}"
        else:
            self._reason = ""
            if self.damage:  # a lost server came back; the damage stays
                text = f"⚠ store changed behind this screen — {one_line(self.damage, 70)}"
        if text == self.alert:
            return
        self.alert = text
        for screen in _live_views(self.app.screen_stack):
            screen.live_alert(text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        event.stop()  # _look catches everything; a worker error would be a bug, shown as an alert
        if event.state == WorkerState.ERROR and event.worker.group == "live":
            self._set_alert(f"could not read the store: {event.worker.error}")

    def on_unmount(self) -> None:
        if self.store.writable and self._announced[0] is not None:
            with contextlib.suppress(StoreError):
                self.store.set_presence(None)


def _live_views(stack: list[Screen[Any]]) -> list[LiveView]:
    """The screens that show the store live — not one being taken down (on quitting, a poll can
    arrive after its widgets went: ``display`` is False from the moment Textual starts pruning it)."""
    return [screen for screen in stack if isinstance(screen, LiveView) and screen.display]
