"""The server engine: a store in a PostgreSQL database the organisation already runs, for a desk
whose analysts cannot share a folder.

Same records, same logic (:class:`tui.store.store.ReviewStore`), another place to keep them; the
tables are in :mod:`tui.store.pgschema`. What PostgreSQL gives, and how it is used:

- Durability: a decision is one transaction; :meth:`PostgresEngine.append_decisions` returns once it
  has committed (``synchronous_commit`` is never left ``off`` for our sessions).
- Order: every write (decisions, index records, articles) takes one transaction-scoped advisory lock
  of the store before it draws its ``pos``, so rows become visible in ``pos`` order: whoever has
  seen ``pos`` N has seen everything before it, and catching up is ``WHERE pos > last seen``.
- One writing process per reviewer: a session-level advisory lock per (store, reviewer), dropped by
  the server when that session ends (also when its process is killed).
- Live updates: a write NOTIFYs the store's channel with its ``pos``; :meth:`PostgresEngine.poll`
  drains notifications without blocking and fetches rows after the last one seen. NOTIFY does not
  replay, so a new or re-made connection first catches up by ``pos``, and every 15 s a poll looks
  anyway.
- A lost connection: reads reconnect and retry once; a write that lost its connection checks after
  reconnecting whether its transaction committed, retries once if not, and otherwise raises
  :class:`StoreUnavailable` (nothing saved, say so); reconnections are tried at most every few seconds.

Credentials come from the URL, ``PGPASSWORD``, ``~/.pgpass`` or a service file (libpq reads them);
they are never shown: :attr:`location` and every message carry the URL masked.

Never imports Textual or spaCy; psycopg (3) is imported when a PostgreSQL store is opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import groupby
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from ..sanitize import clean_line
from . import clock, pgschema
from .articles import ArticleCache, parse
from .assign import lease_of
from .engine import IndexRecord, Mode
from .errors import DecisionError, StoreDamaged, StoreError, StoreLocked, StoreUnavailable, StoreWriteError
from .lock import holder_hint
from .urls import mask_url, scrub, split_schema

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

RETRY_EVERY = 3.0  # seconds between reconnection attempts after the server was found unreachable
CHECK_EVERY = 15.0  # seconds after which a poll looks for new rows even without a notification
PRESENCE_FRESH = 60.0
PREFETCH = 32  # articles read per round trip
LOCK_WAIT = 1.0  # seconds to wait for a reviewer's lock (a process that is just closing)
LOCK_TIMEOUT = 20  # seconds a write waits for a lock before it fails (said, nothing saved)
#: seconds a reviewing session (the app, ``apply``) waits for the server to answer one round trip
#: before it gives the session up as lost (a server that hangs: see :class:`_Deadline`)
ANSWER_WAIT = 8.0
#: and a reading command (``export``, ``status``, ``articles``, ``agreement``, ``doctor``): longer, as
#: one of its round trips reads up to PREFETCH articles (QA: with the server hung mid-way an export
#: waited for good, saying nothing); the first read of the store's index is not bounded (a big store's)
READ_WAIT = 60.0
#: and opening the store, in every mode: the session's settings, the schema check, the reviewer's lock
#: (QA, stop 50: ``articles`` waited 2.5 min on a server that stopped just as it connected). Longer
#: than LOCK_TIMEOUT, which says its own line first; an upgrade of the tables is not bounded
OPEN_WAIT = 60.0
SESSION_GUARDS = {  # server settings newsreview sets for its sessions where they are off (0)
    "idle_in_transaction_session_timeout": "60s",
    "lock_timeout": f"{LOCK_TIMEOUT}s",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
DEFAULTS = {  # connection parameters newsreview sets unless the URL (or service file) does
    "application_name": "newsreview",
    "connect_timeout": "10",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
}


class _Watchdog:
    """Round trips that must be answered in time: one thread for the process (not one per round trip:
    a timer thread each cost about 0.1 ms a decision) that, once a round trip's deadline has passed,
    shuts its session's socket down, so that libpq's wait returns at once with the connection lost —
    QA: with the server hung (its processes stopped, a host frozen while its kernel still answers TCP),
    a key on the review screen waited for good, `q` included. Shutting a socket down is safe from
    another thread, unlike anything done to the connection object; it happens under the same lock
    as :meth:`end`, so a round trip that has ended is never cut (its socket may be closed and its
    number reused meanwhile)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, tuple[int, float]] = {}  # token -> (socket fd, deadline)
        self._fired: set[int] = set()
        self._tokens = 0
        self._thread: threading.Thread | None = None

    def start(self, fd: int, seconds: float) -> int:
        with self._cond:
            self._tokens += 1
            self._armed[self._tokens] = (fd, time.monotonic() + seconds)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="newsreview-pg-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
            return self._tokens

    def end(self, token: int) -> bool:
        """The round trip is over (answered, or failed); whether it was cut."""
        with self._cond:
            self._armed.pop(token, None)
            if token in self._fired:
                self._fired.discard(token)
                return True
            return False

    def _watch(self) -> None:
        with self._cond:
            while True:
                if not self._armed:
                    self._cond.wait()
                    continue
                token, (fd, deadline) = min(self._armed.items(), key=lambda item: item[1][1])
                left = deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                del self._armed[token]
                self._fired.add(token)
                with contextlib.suppress(OSError):
                    sock = socket.socket(fileno=os.dup(fd))
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    finally:
                        sock.close()


_WATCHDOG = _Watchdog()


class _Deadline:
    """One round trip (or a transaction's) on ``conn`` within ``seconds`` (see :class:`_Watchdog`);
    ``fired`` says it was cut."""

    def __init__(self, conn: psycopg.Connection[Any], seconds: float) -> None:
        self.fired = False
        try:
            fd = conn.fileno()
        except Exception:  # a closed connection: the round trip fails by itself
            self._token: int | None = None
        else:
            self._token = _WATCHDOG.start(fd, seconds)

    def end(self) -> None:
        if self._token is not None:
            self.fired = _WATCHDOG.end(self._token)
            self._token = None


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError("a PostgreSQL store needs the psycopg driver: pip install 'newsreview[postgres]'") from None
    return psycopg


class PgDecisions:
    """The decisions of a PostgreSQL store, by article, for the store's lazy folding."""

    def __init__(
        self,
        engine: PostgresEngine,
        touched: dict[str, set[str]],
        entries: dict[str, dict[str, Any]],
        dirty: set[str],
    ) -> None:
        self.engine = engine
        self._touched = touched
        self.entries = entries
        self.dirty = dirty

    def touched(self) -> dict[str, set[str]]:
        return {aid: set(names) for aid, names in self._touched.items()}

    def records(self, aid: str) -> list[dict[str, Any]]:
        return self.engine.article_records(aid)

    def agree(self, aid: str) -> list[Any] | None:
        entry = self.entries.get(aid)
        return None if entry is None else entry.get("agree")


class PostgresEngine:
    kind = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = mask_url(url)
        self.notices: list[str] = []
        self.damage: str | None = None  # (the server keeps its rows whole: nothing changes behind a poll)
        self._opening: _Deadline | None = None  # opening's bound, while open() runs (OPEN_WAIT)
        try:
            self.conninfo, self.schema = split_schema(url)
        except ValueError as err:
            raise StoreError(f"{clean_line(self.location)}: {err}") from None
        self.server: str | None = None
        self.mode: Mode = "read"
        self.create = True  # open(create=False): a missing store is an error, not made
        self._held_once = False  # this engine has held its reviewer's lock (see _take_lock)
        self._held_since = ""  # when it first took it
        self.reviewer = ""
        self.holder = ""
        self._conn: psycopg.Connection[Any] | None = None
        self._listener: psycopg.Connection[Any] | None = None
        # when to try making the listener again after the server refused it while the main session
        # works (a role's connection limit, say): meanwhile polls look by position
        self._listen_retry_at = 0.0
        self._upgrading: int | None = None  # the version an open is upgrading the tables from
        self._dwm = 0  # every decision with pos <= this was delivered (load, poll, or our own append)
        self._iwm = 0  # the same for index records
        self._own: set[int] = set()  # positions of our own decisions above _dwm (poll skips them)
        self._rseq = 0  # this reviewer's decision count (the records' "seq")
        self.offset = 0.0  # the store's clock less this machine's, as last read (clock_offset)
        self.offset_at: float | None = None  # (monotonic) when the server's clock was last read
        self._upto: dict[str, int] = {}  # article -> the pos its records, as last read, cover
        self._prefetched: dict[str, list[tuple[int, str]]] = {}  # article -> its decisions, read ahead
        self._loaded: dict[str, bytes] = {}  # article -> its summary as read at load (to skip rewriting it)
        self._by_sha: dict[str, str] = {}
        self._by_id: set[str] = set()
        self._articles = ArticleCache()
        self._down: str | None = None  # why the server is unreachable, while it is
        self._down_locked = False  # ... or rather, why the session came back without this reviewer's lock
        self._retry_at = 0.0
        # False once a poller thread owns reconnecting (tui.app.live.guard): after the server was found
        # away, a call here fails at once instead of waiting out a connect (see reconnect_outside)
        self.connect_here = True
        #: a write the server did not confirm (its transaction id): it may have committed all the same
        #: (the server had its COMMIT, then hung); looked up once a session is back (_settle)
        self._unconfirmed: str | None = None
        #: ... and it had: until a poll has delivered its records, no write is made (a retry of the same
        #: decision would save it twice — QA, re-test: an addition twice, one undo leaving it there)
        self.confirmed_late = False
        #: seconds a round trip may wait for the server's answer (None: as long as it takes); set for a
        #: reviewing session, whose analyst is waiting (see _Deadline)
        self.answer_wait: float | None = None
        self._closed = False
        self._checked = 0.0
        self._channel = "newsreview_" + hashlib.sha1(self.schema.encode()).hexdigest()[:16]

    @property
    def shown(self) -> str:
        return clean_line(self.location)

    def _key(self, *parts: str) -> int:
        """A 64-bit advisory lock key for this store (schema) and ``parts``."""
        text = "\x00".join(("newsreview", self.schema, *parts)).encode("utf-8", "surrogatepass")
        return int.from_bytes(hashlib.sha1(text).digest()[:8], "big", signed=True)

    def _reason(self, err: BaseException) -> str:
        """A driver or server error as one line, the URL masked and any password removed."""
        text = " ".join(str(err).split()) or type(err).__name__
        if type(err).__name__ == "UndefinedTable":  # QA: a dropped table gave the server's words alone
            primary = getattr(getattr(err, "diag", None), "message_primary", None) or text
            text = f"damaged: a table of the store is missing ({primary}); run 'newsreview doctor'"
        return clean_line(scrub(text, self.url), 300)

    # -- connections -------------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        pg = _driver()
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        try:
            params = conninfo_to_dict(self.conninfo)
        except pg.Error as err:
            raise StoreError(f"{self.shown}: not a PostgreSQL URL libpq understands: {self._reason(err)}") from None
        service = "service" in params  # a service file may set these: let it
        for key, value in DEFAULTS.items():
            if key not in params and not (service and key != "application_name"):
                params[key] = value
        try:
            conn: psycopg.Connection[Any] = pg.connect(make_conninfo("", **params), autocommit=True)
        except pg.Error as err:
            raise StoreUnavailable(
                f"cannot connect to the PostgreSQL server of {self.shown}: {self._reason(err)}"
            ) from None
        deadline = _Deadline(conn, OPEN_WAIT)
        try:
            row = conn.execute(
                "SELECT set_config('search_path', %s, false), "
                "CASE WHEN current_setting('synchronous_commit') = 'off' "
                "THEN set_config('synchronous_commit', 'on', false) END",
                [f'"{self.schema}"'],
            ).fetchone()
            assert row is not None
            # QA: a connection lost mid-transaction (a NAT timeout, a Wi-Fi change) left its session
            # "idle in transaction" on the server, holding the store's write lock: every writer then
            # waited for good. Unless the URL or the server set them: the server ends such a session,
            # and sees a client that went away, within a minute or two; a writer waits for a lock
            # LOCK_TIMEOUT at most, then says so (nothing saved) instead of hanging
            conn.execute(
                "SELECT "
                + ", ".join(
                    ["CASE WHEN current_setting(%s) IN ('0', '') THEN set_config(%s, %s, false) END"]
                    * len(SESSION_GUARDS)
                ),
                [x for name, value in SESSION_GUARDS.items() for x in (name, name, value)],
            )
        except pg.Error as err:
            deadline.end()
            with contextlib.suppress(Exception):
                conn.close()
            why = self._hung(OPEN_WAIT) if deadline.fired else self._reason(err)
            raise StoreUnavailable(f"cannot use the PostgreSQL server of {self.shown}: {why}") from None
        except BaseException:  # Ctrl-C while the server hangs: no watchdog left armed on a closed socket
            deadline.end()
            with contextlib.suppress(Exception):
                conn.close()
            raise
        deadline.end()
        if deadline.fired:  # cut just as the answer came: the socket is shut down all the same
            with contextlib.suppress(Exception):
                conn.close()
            raise StoreUnavailable(f"cannot use the PostgreSQL server of {self.shown}: {self._hung(OPEN_WAIT)}")
        info = conn.info
        version = info.server_version
        where = f"socket {info.host}" if info.host.startswith("/") else info.host
        self.server = (
            f"PostgreSQL {version // 10000}.{version % 10000} at {where}:{info.port}, "
            f"database {info.dbname}, schema {self.schema}, user {info.user}"
        )
        return conn

    def _connection(self, *, at_once: bool = False) -> psycopg.Connection[Any]:
        """The session, re-made if it was lost (in review mode, with the reviewer's lock taken again).
        Once the server was found away, a new attempt waits ``RETRY_EVERY`` — and with a poller in
        charge of reconnecting (``connect_here`` off) none is made here, except ``at_once``: a write
        that just lost its session asks at once whether it committed (unless the poller is
        connecting right now)."""
        conn = self._conn
        if conn is not None and self._healthy(conn):
            return conn
        self._drop()
        now = time.monotonic()
        if self._down is not None:
            down = StoreLocked if self._down_locked else StoreUnavailable
            if at_once:
                if self._retry_at == float("inf"):
                    raise down(self._down)  # the poller is connecting: it will tell
            elif now < self._retry_at or not self.connect_here:
                raise down(self._down)
        try:
            conn = self._connect()
        except StoreUnavailable as err:
            self._down, self._down_locked, self._retry_at = str(err), False, now + RETRY_EVERY
            raise
        if self.mode == "review":
            # the lock before the session is used: a session that could not take it must not write (a
            # review of this reviewer's name started elsewhere while the server was away)
            pg = _driver()
            try:
                self._take_lock(conn)
            except BaseException as err:
                gone = isinstance(err, pg.OperationalError) and self._gone(conn, err)  # (before it is closed)
                with contextlib.suppress(Exception):
                    conn.close()
                if isinstance(err, (StoreLocked, StoreUnavailable)):
                    # QA (PostgreSQL): a name another process holds was said as "store unreachable"
                    locked = isinstance(err, StoreLocked)
                    self._down, self._down_locked, self._retry_at = str(err), locked, now + RETRY_EVERY
                    raise
                if isinstance(err, pg.OperationalError):
                    # QA (stop 45): a session ended while it took the reviewer's lock (a server going away
                    # again just after coming back) left a bare driver error: "internal error"
                    if not gone:
                        raise StoreError(f"{self.shown}: {self._reason(err)}") from None
                    raise self._lost(err) from None
                raise
        self._conn = conn
        if self._down is not None:
            self._down, self._down_locked = None, False
            self._checked = 0.0  # catch up at the next poll
        return conn

    def reconnect_outside(self, lock: Any) -> None:
        """For a poller thread that shares this engine under ``lock``: make lost sessions (the main one
        and the listener) again without holding ``lock`` while connecting — a server that does not
        answer keeps a connect waiting up to ``connect_timeout`` (10 s), and the analyst's keys must
        not wait with it. Meanwhile the attempt is claimed: a write on the main thread fails at once
        (nothing saved, said so) instead of connecting too. The sessions are installed under ``lock``."""
        with lock:
            if self._closed:
                return
            need_main = not self._healthy(self._conn)
            need_listener = not self._healthy(self._listener)
            if not (need_main or need_listener):
                return
            now = time.monotonic()
            if self._down is not None and now < self._retry_at:
                return  # not yet: the poll itself will say the server is still away
            if not need_main and now < self._listen_retry_at:
                return  # the listener was refused a moment ago (polls look by position meanwhile)
            if need_main:
                self._drop()
                need_listener = True
                self._down = self._down or f"reconnecting to the PostgreSQL server of {self.shown}"
                self._retry_at = float("inf")  # claimed: other callers fail fast until it is done
        made: list[psycopg.Connection[Any]] = []
        try:
            if need_main:
                made.append(self._connect())
                if self.mode == "review":
                    self._take_lock(made[0])  # (may wait a moment for a session the server has not yet ended)
            made.append(self._connect())
            made[-1].execute(f"LISTEN {self._channel}")
        except Exception as err:
            for c in made:
                with contextlib.suppress(Exception):
                    c.close()
            with lock:
                if not need_main or self._healthy(self._conn):
                    self._listen_retry_at = time.monotonic() + RETRY_EVERY
                    return  # (the main session is fine: a poll makes the listener again, later)
                self._down = (
                    str(err)
                    if isinstance(err, StoreError)
                    else f"lost the connection to the PostgreSQL server of {self.shown}: {self._reason(err)}"
                )
                self._down_locked = isinstance(err, StoreLocked)
                self._retry_at = time.monotonic() + RETRY_EVERY
            return
        with lock:
            if self._closed:
                spare = made
            else:
                spare = []
                if need_main:
                    if self._healthy(self._conn):
                        spare.append(made[0])  # a write reconnected meanwhile: keep its session
                    else:
                        self._conn = made[0]
                    self._down, self._down_locked = None, False
                    self._checked = 0.0  # catch up at the next poll
                old = self._listener
                if old is not None:
                    with contextlib.suppress(Exception):
                        old.close()
                self._listener = made[-1]
            for c in spare:
                with contextlib.suppress(Exception):
                    c.close()

    @staticmethod
    def _healthy(conn: psycopg.Connection[Any] | None) -> bool:
        return conn is not None and not conn.closed and not conn.broken

    @staticmethod
    def _gone(conn: psycopg.Connection[Any], err: BaseException) -> bool:
        """Whether ``err`` lost the connection (rather than the server refusing one statement).

        psycopg raises "connection socket closed" from its wait loop before libpq has marked the
        connection bad (CI, stop 43: a terminated backend read as a refused statement), so an error
        the server did not send — no SQLSTATE — counts as lost, as do the server's "operator
        intervention" (57P*: shutdown, terminated) and "connection exception" (08*) classes."""
        if conn.broken or conn.closed:
            return True
        state = getattr(err, "sqlstate", None)
        return state is None or state.startswith(("57P", "08"))

    def _drop(self) -> None:
        for conn in (self._conn, self._listener):
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
        self._conn = self._listener = None

    def _lost(self, err: BaseException, deadline: _Deadline | None = None) -> StoreUnavailable:
        self._drop()
        if deadline is not None and deadline.fired:
            why = (
                f"the PostgreSQL server of {self.shown} did not answer for {self.answer_wait:g} s (a server that hangs)"
            )
        else:
            why = f"lost the connection to the PostgreSQL server of {self.shown}: {self._reason(err)}"
        self._down, self._down_locked = why, False
        self._retry_at = time.monotonic() + RETRY_EVERY
        return StoreUnavailable(self._down)

    @contextlib.contextmanager
    def _answered(self, conn: psycopg.Connection[Any]) -> Iterator[_Deadline | None]:
        """Round trips on ``conn`` within :attr:`answer_wait` (none when it is None)."""
        if self.answer_wait is None:
            yield None
            return
        deadline = _Deadline(conn, self.answer_wait)
        try:
            yield deadline
        finally:
            deadline.end()

    def _read(self, fn: Callable[[psycopg.Connection[Any]], T], *, bounded: bool = True) -> T:
        """Run a read; on a lost connection reconnect and run it once more (not after a server that
        did not answer: it is given up at once). ``bounded``: within :attr:`answer_wait`."""
        pg = _driver()
        for attempt in (1, 2):
            conn = self._connection()
            deadline = None
            try:
                with self._answered(conn) if bounded else contextlib.nullcontext() as deadline:
                    return fn(conn)
            except pg.OperationalError as err:
                if not self._gone(conn, err):
                    raise StoreError(f"{self.shown}: {self._reason(err)}") from None
                lost = self._lost(err, deadline)
                if attempt == 2 or (deadline is not None and deadline.fired):
                    raise lost from None
                self._retry_at = 0.0  # reconnect at once, once
            except pg.Error as err:
                raise StoreError(f"{self.shown}: {self._reason(err)}") from None
        raise AssertionError("unreachable")

    # -- opening -----------------------------------------------------------------------------------

    def open(self, mode: Mode, reviewer: str, holder: str, *, create: bool = True) -> None:
        self.mode, self.reviewer, self.holder = mode, reviewer, holder
        self.create = create
        self.answer_wait = ANSWER_WAIT if mode == "review" else READ_WAIT if mode == "read" else None
        pg = _driver()
        conn = self._connect()
        self._conn = conn
        self._opening = deadline = _Deadline(conn, OPEN_WAIT)
        try:
            self._ensure_schema(conn)
            if mode == "review":
                self._take_lock(conn)
            deadline.end()
            if deadline.fired:  # cut just as the last answer came: the session is gone
                raise pg.OperationalError("the server did not answer in time")
            self._read_clock(conn)
        except pg.Error as err:
            deadline.end()
            self._drop()
            if deadline.fired:
                raise StoreUnavailable(f"cannot open {self.shown}: {self._hung(OPEN_WAIT)}") from None
            raise StoreError(self._open_failed(err)) from None
        except BaseException:
            deadline.end()
            self._drop()
            raise
        finally:
            self._opening = None

    @staticmethod
    def _hung(seconds: float) -> str:
        return f"the server did not answer for {seconds:g} s (a server that hangs); try again when it does"

    def _open_failed(self, err: Exception) -> str:
        """Why opening failed, in the analyst's words where the server's would puzzle (QA, stop 41):
        an upgrade of the tables that waits for another session, or that this role may not make."""
        state = getattr(err, "sqlstate", None)
        upgrading = self._upgrading
        if state == "55P03" and upgrading is not None:
            return (
                f"{self.shown}: its tables (schema version {upgrading}) must be upgraded to version "
                f"{pgschema.VERSION}, and another session has held them for {LOCK_TIMEOUT} s (an open "
                "transaction: an older newsreview, a SQL tool); close it and try again — nothing was changed"
            )
        if state == "42501" and upgrading is not None:  # insufficient_privilege
            return (
                f"{self.shown}: its tables (schema version {upgrading}) must be upgraded to version "
                f"{pgschema.VERSION}, which only their owner may do: run any newsreview command on the store "
                "once as the role that owns them — nothing was changed"
            )
        if state == "55P03":
            return f"{self.shown} is busy: a lock was held for {LOCK_TIMEOUT} s by another session; try again"
        return f"{self.shown}: {self._reason(err)}"

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        """Create the store's tables on first use, or bring them to this release's version."""
        self._upgrading = None
        self._ensure_schema_once(conn)
        self._upgrading = None  # committed: a later failure (the reviewer's lock) is no upgrade's

    def _ensure_schema_once(self, conn: psycopg.Connection[Any]) -> None:
        schema = self.schema
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [self._key("schema")])
            row = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL, "
                "(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                " WHERE n.nspname = %s AND c.relkind IN ('r', 'v', 'm', 'p', 'f'))",
                [f'"{schema}".meta', schema],
            ).fetchone()
            assert row is not None
            has_meta, tables = bool(row[0]), int(row[1])
            meta: dict[str, str] = {}
            if has_meta:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                if meta.get("format") != pgschema.FORMAT:
                    raise StoreError(
                        f"{self.shown}: schema '{schema}' is not a store this release of newsreview can open "
                        f"(format {clean_line(meta.get('format'), 40)!r}); use another ?schema="
                    )
            elif tables and conn.execute(
                "SELECT count(*) = 3 FROM unnest(%s::text[]) AS t WHERE to_regclass(format('%%I.%%I', %s::text, t)) IS NOT NULL",
                [["articles", "candidates", "decisions"], schema],
            ).fetchone() == (True,):  # review: a store whose meta table was dropped was "not a store"
                raise StoreDamaged(
                    f"damaged: {self.shown}: the store's meta table is missing (its articles and decisions are "
                    "there); restore it from a backup"
                )
            elif tables:
                raise StoreError(
                    f"{self.shown}: schema '{schema}' holds tables that are not a newsreview store; "
                    "choose another with ?schema=NAME in the URL"
                )
            elif self.mode == "read" or not self.create:
                raise StoreError(f"no store at {self.shown} yet: add articles first with 'newsreview add PATH'")
            raw = meta.get("schema_version", "0" if not has_meta else None)
            if raw is None or not raw.isdecimal() or (has_meta and int(raw) < 1):
                # QA: 'abc' gave an internal error, a deleted row ran every migration over the tables
                shown = "missing" if raw is None else f"{clean_line(raw, 20)!r}"
                raise StoreDamaged(
                    f"damaged: {self.shown}: the meta table's schema_version is {shown}, not a version number "
                    f"(this release writes {pgschema.VERSION}); restore it from a backup, or set it back "
                    "if you know which version the tables are"
                )
            version = int(raw)
            if version > pgschema.VERSION:
                raise StoreError(
                    f"{self.shown} was written by a newer newsreview (store schema version {version}; this "
                    f"release knows up to {pgschema.VERSION}): upgrade newsreview to use it"
                )
            if version == pgschema.VERSION:
                return
            if self._opening is not None:
                self._opening.end()  # an upgrade takes the time it takes (cut, it would be cut every time)
            self._upgrading = version if has_meta else None  # for the message, should a step fail
            if not has_meta:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            no_leases = has_meta and conn.execute("SELECT to_regclass('leases') IS NULL").fetchone() == (True,)
            for step, _what, script in pgschema.MIGRATIONS:
                if step > version:
                    conn.execute(script)
            if no_leases:  # made by step 3: filled as `doctor --repair` fills it
                _refill_leases(conn)
                _grant_as_on(conn, "leases", "summaries")
            values = {"format": pgschema.FORMAT, "schema_version": str(pgschema.VERSION)}
            if not has_meta:
                values.update(store_id=uuid.uuid4().hex, created=clock.now())
            for key, value in values.items():
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    [key, value],
                )
            if has_meta:
                self.notices.append(f"{self.location}: store tables upgraded to version {pgschema.VERSION}")

    def _take_lock(self, conn: psycopg.Connection[Any]) -> None:
        """This reviewer's writer lock: a session-level advisory lock, held until the session ends."""
        key = self._key("reviewer", self.reviewer)
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
            if row is not None and row[0]:
                break
            if time.monotonic() >= deadline:
                found = conn.execute("SELECT holder FROM reviewers WHERE name = %s", [self.reviewer]).fetchone()
                holder = (found[0] if found else None) or "another process"
                if self._held_once and f"(pid {os.getpid()} on {socket.gethostname()}," in holder:
                    # QA: "already has it open … (pid N)" named this very process: its session lost on
                    # the way, which the server has not ended yet — unavailable for a while, not taken:
                    # `apply` waits for it as for a server away (QA, re-test: it gave up at once)
                    raise StoreUnavailable(
                        f"reviewer '{clean_line(self.reviewer, 64)}' is still held on {self.shown} by this "
                        "process's earlier session, lost on the way; the server ends it within a minute or "
                        "two, and then this works again"
                    )
                raise StoreLocked(
                    f"reviewer '{clean_line(self.reviewer, 64)}' already has {self.shown} open for writing in "
                    f"{clean_line(holder, 300)}; close it first, or review under another --reviewer name "
                    "(read-only commands such as 'newsreview status' and 'export' still work)" + holder_hint(holder)
                )
            time.sleep(0.05)
        # since this process first held it, not since a reconnect took it again (QA)
        self._held_since = self._held_since or time.strftime("%Y-%m-%d %H:%M:%S %Z")
        info = (
            f"{self.holder} (pid {os.getpid()} on {socket.gethostname()}, since {self._held_since}; "
            f"server session {conn.info.backend_pid})"
        )
        conn.execute(
            "INSERT INTO reviewers (name, holder, since) VALUES (%s, %s, now()) "
            "ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, since = EXCLUDED.since",
            [self.reviewer, info],
        )
        row = conn.execute(
            "SELECT coalesce(max(rseq), 0) FROM decisions WHERE reviewer = %s", [self.reviewer]
        ).fetchone()
        self._rseq = int(row[0]) if row else 0
        self._held_once = True  # a refusal after a reconnect is by this engine's own lost session

    def close(self) -> None:
        self._closed = True  # a poller's reconnect that finishes after this installs nothing
        conn = self._conn
        if self.mode == "review" and conn is not None and not conn.closed and not conn.broken:
            self.set_presence(self.reviewer, None)  # (a lost session's presence goes stale by itself)
        self._drop()

    # -- reading -----------------------------------------------------------------------------------

    def load(self) -> tuple[list[IndexRecord], PgDecisions]:
        def read(conn: psycopg.Connection[Any]) -> Any:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                index = conn.execute("SELECT pos, tbl, doc::text FROM index_records ORDER BY pos").fetchall()
                top = conn.execute("SELECT coalesce(max(pos), 0) FROM decisions").fetchone()
                touched = conn.execute("SELECT article, reviewer, last_pos FROM article_reviewers").fetchall()
                summaries = conn.execute("SELECT article, upto, entry::text FROM summaries").fetchall()
            return index, top, touched, summaries

        index_rows, top, touched_rows, summary_rows = self._read(read, bounded=False)  # (a big store's index)
        self._dwm = int(top[0]) if top else 0
        index = self._index_rows(index_rows)
        touched: dict[str, set[str]] = {}
        last: dict[str, int] = {}
        for aid, who, pos in touched_rows:
            touched.setdefault(aid, set()).add(who)
            last[aid] = max(last.get(aid, 0), int(pos))
        entries: dict[str, dict[str, Any]] = {}
        for aid, upto, entry in summary_rows:
            if aid in last and int(upto) >= last[aid]:
                try:
                    value = orjson.loads(entry.encode())
                except orjson.JSONDecodeError:
                    value = None
                if not isinstance(value, dict):  # QA: derived, so folded again (it stopped every read)
                    continue
                entries[aid] = value
                self._loaded[aid] = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        return index, PgDecisions(self, touched, entries, set(touched) - set(entries))

    def _index_rows(self, rows: list[Any]) -> list[IndexRecord]:
        out: list[IndexRecord] = []
        for pos, table, text in rows:
            self._iwm = max(self._iwm, int(pos))
            doc = orjson.loads(text)
            if not _index_doc_ok(table, doc):  # QA: "internal error: KeyError: 'id'" in every command
                raise StoreDamaged(
                    f"damaged: {self.shown}: index record {int(pos)} ({clean_line(table, 40)}) is not what that "
                    "table holds (an id, an article, the fields it needs); run 'newsreview doctor'"
                )
            if table == "articles":
                self._by_sha[doc["text_sha"]] = doc["id"]
                self._by_id.add(doc["id"])
            elif table == "removed":
                self._by_id.discard(doc["article"])
                self._by_sha = {s: a for s, a in self._by_sha.items() if a != doc["article"]}
            out.append((table, doc))
        return out

    def missing_articles(self, rows: Iterable[dict[str, Any]]) -> list[str]:
        """The indexed articles with no row in ``articles`` (QA: ``status`` counted one whose row was
        deleted, exit 0): one query, for ``status``; ``doctor`` reads them all."""
        ids = [str(row["id"]) for row in rows]
        if not ids:
            return []
        found = self._read(
            lambda conn: {aid for (aid,) in conn.execute("SELECT id FROM articles WHERE id = ANY(%s)", [ids])}
        )
        return [aid for aid in ids if aid not in found]

    def prefetch(self, rows: list[dict[str, Any]]) -> None:
        """Read up to ``PREFETCH`` articles and their decisions in two queries (an export reads
        every article in turn: one round trip each was most of its time)."""
        rows = rows[:PREFETCH]
        ids = [r["id"] for r in rows if r["id"] not in self._articles]
        if not ids:
            return
        found = self._read(
            lambda conn: conn.execute(
                "SELECT a.id, json_build_object('article', json_build_object('1', a.doc), 'candidates', "
                "coalesce((SELECT json_object_agg(c.ord, c.doc ORDER BY c.ord) FROM candidates c "
                "WHERE c.article = a.id), '{}'::json))::text FROM articles a WHERE a.id = ANY(%s)",
                [ids],
            ).fetchall()
        )
        by_id = {r["id"]: r for r in rows}
        for aid, text in found:
            raw = text.encode("utf-8", "surrogatepass")
            parsed = parse(raw, by_id[aid])
            if isinstance(parsed, str):
                continue  # read_article names the damage when the article is asked for
            self._articles.put(aid, parsed, len(raw))
        records = self._read(
            lambda conn: conn.execute(
                "SELECT article, pos, record::text FROM decisions WHERE article = ANY(%s) ORDER BY pos", [ids]
            ).fetchall()
        )
        grouped: dict[str, list[tuple[int, str]]] = {aid: [] for aid in ids}
        for aid, pos, text in records:
            grouped[aid].append((int(pos), text))
        self._prefetched.update(grouped)

    def article_records(self, aid: str) -> list[dict[str, Any]]:
        """Every decision on one article, in the store's order (so each reviewer's in theirs)."""
        early = self._prefetched.pop(aid, None)
        if early is not None:
            if early:
                self._upto[aid] = max(self._upto.get(aid, 0), early[-1][0])
            return [self._decision(aid, pos, text) for pos, text in early]
        rows = self._read(
            lambda conn: conn.execute(
                "SELECT pos, record::text FROM decisions WHERE article = %s ORDER BY pos", [aid]
            ).fetchall()
        )
        if rows:
            self._upto[aid] = max(self._upto.get(aid, 0), int(rows[-1][0]))
        return [self._decision(aid, int(pos), text) for pos, text in rows]

    def _decision(self, aid: str, pos: int, text: str) -> dict[str, Any]:
        """One decision row's record, if it is one: QA — a record replaced by ``{}`` stopped status
        and export for the whole store ("internal error: KeyError"); now that article is named."""
        record = _json_or_none(text)
        if not (
            isinstance(record, dict)
            and record.get("article") == aid
            and all(isinstance(record.get(key), str) for key in ("id", "reviewer", "candidate", "action"))
        ):
            raise StoreDamaged(
                f"damaged: {self.shown}: decision row {pos} on article '{clean_line(aid, 80)}' holds no decision "
                "record; run 'newsreview doctor'"
            )
        return record

    def poll(self) -> tuple[list[IndexRecord], list[dict[str, Any]]]:
        self._prefetched.clear()  # decisions read ahead may be out of date from here on
        pg = _driver()
        now = time.monotonic()
        need = now - self._checked >= CHECK_EVERY
        try:
            if self._listener is None or self._listener.closed or self._listener.broken:
                need = True  # NOTIFY does not replay (and without a listener): catch up by position
                if now >= self._listen_retry_at:
                    try:
                        self._listen()
                    except StoreUnavailable:
                        if not self._healthy(self._conn):
                            raise
                        # QA: a second connection refused (a connection limit) kept "store unreachable"
                        # on screen though every decision was saved: look by position until it is made
                        self._listen_retry_at = now + RETRY_EVERY
            for note in self._listener.notifies(timeout=0) if self._listener is not None else ():
                kind, _, mark = note.payload.partition(" ")
                with contextlib.suppress(ValueError):
                    at = int(mark)
                    if (kind == "d" and at > self._dwm and at not in self._own) or (kind == "i" and at > self._iwm):
                        need = True
        except pg.OperationalError as err:
            raise self._lost(err) from None
        need = need or self.confirmed_late or self._unconfirmed is not None
        if not need:
            return [], []

        def fetch(conn: psycopg.Connection[Any]) -> Any:
            # a write the server did not confirm is settled here too, so that its records come with this
            # poll and the analyst's next key is not refused for it
            self._settle(conn)
            index = conn.execute(
                "SELECT pos, tbl, doc::text FROM index_records WHERE pos > %s ORDER BY pos", [self._iwm]
            ).fetchall()
            decisions = conn.execute(
                "SELECT pos, article, record::text FROM decisions WHERE pos > %s ORDER BY pos", [self._dwm]
            ).fetchall()
            return index, decisions

        index_rows, decision_rows = self._read(fetch)
        self.confirmed_late = False  # a write the server confirmed late is among these rows
        if self.offset_at is None or now - self.offset_at >= clock.EVERY:
            self._read_clock(self._connection())
        # every record checked before anything moves on: a damaged one is said at every poll, and the
        # rows after it are not passed over
        rows = [
            (int(pos), aid, None if int(pos) in self._own else self._decision(aid, int(pos), text))
            for pos, aid, text in decision_rows
        ]
        self._checked = now
        decisions = []
        for pos, aid, record in rows:
            self._dwm = max(self._dwm, pos)
            if record is None:
                continue
            self._upto[aid] = max(self._upto.get(aid, 0), pos)
            decisions.append(record)
        self._own = {p for p in self._own if p > self._dwm}
        return self._index_rows(index_rows), decisions

    def _listen(self) -> None:
        """A connection of its own, in autocommit, listening on the store's channel."""
        conn = self._listener
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
        self._listener = None
        self._connection()  # reconnects the main session too, if it was lost (raises if it cannot be)
        conn = self._connect()
        conn.execute(f"LISTEN {self._channel}")
        self._listener = conn

    def recent(self, reviewer: str) -> Iterator[dict[str, Any]]:
        """One reviewer's records, newest first, a page at a time."""
        page = 200
        below: int | None = None
        while True:
            if below is None:
                query, params = (
                    "SELECT rseq, pos, article, record::text FROM decisions WHERE reviewer = %s "
                    "ORDER BY rseq DESC LIMIT %s",
                    [reviewer, page],
                )
            else:
                query, params = (
                    "SELECT rseq, pos, article, record::text FROM decisions WHERE reviewer = %s AND rseq < %s "
                    "ORDER BY rseq DESC LIMIT %s",
                    [reviewer, below, page],
                )
            rows = self._read(partial(_fetch_all, query, params))
            for _, pos, aid, text in rows:
                yield self._decision(aid, int(pos), text)
            if len(rows) < page:
                return
            below = int(rows[-1][0])

    def stats(self) -> dict[str, tuple[int, str | None]]:
        rows = self._read(
            lambda conn: conn.execute(
                "SELECT reviewer, sum(decisions), max(last_at) FROM article_reviewers GROUP BY reviewer"
            ).fetchall()
        )
        return {who: (int(n), at) for who, n, at in rows}

    def read_article(self, row: dict[str, Any]) -> dict[str, Any]:
        aid = row["id"]
        cached = self._articles.get(aid)
        if cached is not None:
            return cached
        found = self._read(
            lambda conn: conn.execute(
                "SELECT json_build_object('article', json_build_object('1', a.doc), 'candidates', "
                "coalesce((SELECT json_object_agg(c.ord, c.doc ORDER BY c.ord) FROM candidates c "
                "WHERE c.article = a.id), '{}'::json))::text FROM articles a WHERE a.id = %s",
                [aid],
            ).fetchone()
        )
        shown = f"article '{clean_line(aid, 80)}' ({self.shown})"
        if found is None:
            raise StoreDamaged(f"damaged: {shown} is missing from the articles table")
        raw = found[0].encode("utf-8", "surrogatepass")
        parsed = parse(raw, row)
        if isinstance(parsed, str):
            raise StoreDamaged(f"damaged: {shown} {parsed}")
        self._articles.put(aid, parsed, len(raw))
        return parsed

    def size(self) -> int:
        row = self._read(
            lambda conn: conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                [self.schema],
            ).fetchone()
        )
        return int(row[0]) if row else 0

    # -- writing -----------------------------------------------------------------------------------

    def _write(
        self,
        body: Callable[[psycopg.Connection[Any]], T],
        recovered: Callable[[psycopg.Connection[Any]], T],
        before: Callable[[psycopg.Connection[Any]], None] | None = None,
    ) -> T:
        """Run ``body`` in a transaction holding the store's write lock; return its result once
        committed. If the connection is lost on the way, reconnect and ask the server whether the
        transaction committed all the same (a COMMIT whose answer was lost): if so return
        ``recovered(conn)``, if not run it once more. StoreUnavailable when the server cannot be
        reached: nothing was saved."""
        pg = _driver()
        for attempt in (1, 2):
            try:
                conn = self._connection()
            except StoreUnavailable as err:
                raise StoreUnavailable(f"not saved: {err}") from None
            xid: str | None = None
            deadline = None
            try:
                self._settle(conn)
                if self.confirmed_late:
                    raise StoreUnavailable(
                        f"not saved: a decision {self.shown} had not confirmed was saved after all; the "
                        "store is read again first (this one is not needed if it was the same)"
                    )
                with self._answered(conn) as deadline, conn.transaction():
                    if before is not None:
                        before(conn)  # row locks taken before the store's lock (leases)
                    row = conn.execute(
                        "SELECT pg_advisory_xact_lock(%s), pg_current_xact_id()::text", [self._key("write")]
                    ).fetchone()
                    xid = row[1] if row else None
                    result = body(conn)
                return result
            except pg.OperationalError as err:
                if not self._gone(conn, err):
                    if getattr(err, "sqlstate", None) == "55P03":  # lock_not_available: lock_timeout
                        raise StoreWriteError(
                            f"not saved: {self.shown} is busy: its write lock has been held for {LOCK_TIMEOUT} s "
                            "by another session (a long write, or a session whose client went away, which the "
                            "server ends within a minute or two); try again"
                        ) from None
                    raise StoreWriteError(f"not saved: {self.shown}: {self._reason(err)}") from None
                lost = self._lost(err, deadline)
                if deadline is not None and deadline.fired:
                    # no reconnecting at once to ask whether it committed: a connect to a server that
                    # hangs waits out connect_timeout (10 s) more, the analyst's key with it. Whether
                    # the server had it all is asked once a session is back (_settle)
                    self._unconfirmed = xid
                    raise StoreUnavailable(f"not saved: {lost}") from None
                try:
                    conn = self._connection(at_once=True)  # reconnect at once, once
                    status = None
                    if xid is not None:
                        found = conn.execute("SELECT pg_xact_status(%s::xid8)", [xid]).fetchone()
                        status = found[0] if found else None
                    if status == "committed":
                        return recovered(conn)
                except (StoreUnavailable, pg.OperationalError):
                    self._unconfirmed = xid  # (a server that went away may have committed it first)
                    raise StoreUnavailable(f"not saved: {lost}") from None
                if attempt == 2:
                    raise StoreUnavailable(f"not saved: {lost}") from None
            except pg.Error as err:
                raise StoreWriteError(f"not saved: {self.shown}: {self._reason(err)}") from None
        raise AssertionError("unreachable")

    def _settle(self, conn: psycopg.Connection[Any]) -> None:
        """Whether the write the server did not confirm committed after all (see ``_unconfirmed``)."""
        if self._unconfirmed is None:
            return
        pg = _driver()
        xid, self._unconfirmed = self._unconfirmed, None
        try:
            with self._answered(conn):
                found = conn.execute("SELECT pg_xact_status(%s::xid8)", [xid]).fetchone()
        except pg.OperationalError as err:
            if self._gone(conn, err):
                self._unconfirmed = xid  # asked again on the next session
            raise
        except pg.Error:
            return  # an id the server no longer knows (another cluster): it cannot say, as before
        if found is not None and found[0] == "committed":
            self.confirmed_late = True
            self._checked = 0.0  # the next poll reads it

    def unconfirmed_saved(self) -> bool | None:
        """For a caller about to try a decision again that was "not saved" (``apply``): True if the
        attempt the server did not confirm was saved after all (a refresh then delivers it, and the
        decision must not be made again), False if not, None while that cannot be known yet."""
        if self._unconfirmed is not None:
            try:
                conn = self._connection()
                self._settle(conn)
            except Exception:
                return None
        return self.confirmed_late

    def _need_writer(self) -> None:
        if self.mode == "read":
            raise StoreWriteError(f"{self.shown}: the store is open read-only")

    def append_decisions(self, records: list[dict[str, Any]]) -> None:
        if self.mode != "review":
            raise StoreWriteError(f"{self.shown}: the store is open read-only")
        if not records:
            return
        ids = [r["id"] for r in records]

        def insert(conn: psycopg.Connection[Any]) -> tuple[int | None, list[int]]:
            first = self._rseq + 1
            for i, record in enumerate(records):
                record["seq"] = first + i
            columns: list[list[Any]] = [[] for _ in range(8)]
            for record in records:
                values = (
                    record["id"],
                    record["reviewer"],
                    record["seq"],
                    record["article"],
                    record["candidate"],
                    record["action"],
                    record["at"],
                    orjson.dumps(record).decode(),
                )
                for column, value in zip(columns, values, strict=True):
                    column.append(value)
            row = conn.execute(
                "WITH prior AS (SELECT coalesce(max(pos), 0) AS pos FROM decisions), "
                "new AS (INSERT INTO decisions (id, reviewer, rseq, article, candidate, action, at, record) "
                "  SELECT i, r, s, a, c, x, t, j::json FROM unnest("
                "    %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]"
                "  ) WITH ORDINALITY AS u(i, r, s, a, c, x, t, j, n) ORDER BY n "
                "  RETURNING pos) "
                "SELECT (SELECT pos FROM prior), array_agg(pos ORDER BY pos), "
                "pg_notify(%s, 'd ' || max(pos)) FROM new",
                [*columns, self._channel],
            ).fetchone()
            assert row is not None
            return int(row[0]), [int(p) for p in row[1]]

        def recovered(conn: psycopg.Connection[Any]) -> tuple[int | None, list[int]]:
            rows = conn.execute("SELECT pos FROM decisions WHERE id = ANY(%s) ORDER BY pos", [ids]).fetchall()
            return None, [int(r[0]) for r in rows]

        prior, positions = self._write(insert, recovered)
        self._rseq = max(self._rseq, int(records[-1]["seq"]))
        if prior is not None and prior <= self._dwm:
            self._dwm = max(positions)  # nothing in between that we have not seen: we held the lock
        else:
            self._own.update(positions)

    def _since(self, conn: psycopg.Connection[Any]) -> list[Any]:
        """Index records others appended since we last looked (raw rows)."""
        return conn.execute(
            "SELECT pos, tbl, doc::text FROM index_records WHERE pos > %s ORDER BY pos", [self._iwm]
        ).fetchall()

    def _index_insert(self, conn: psycopg.Connection[Any], records: list[IndexRecord]) -> int:
        _apply_leases(conn, records)
        row = conn.execute(
            "WITH new AS (INSERT INTO index_records (tbl, doc) "
            "  SELECT t, d::json FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(t, d, n) ORDER BY n "
            "  RETURNING pos) "
            "SELECT max(pos), pg_notify(%s, 'i ' || max(pos)) FROM new",
            [[t for t, _ in records], [orjson.dumps(d).decode() for _, d in records], self._channel],
        ).fetchone()
        assert row is not None
        return int(row[0])

    def append_index(self, records: list[IndexRecord]) -> list[IndexRecord]:
        self._need_writer()
        takes = [doc for table, doc in records if table == "takes"]

        def lease(conn: psycopg.Connection[Any]) -> None:
            """A reviewer taking over an article locks its lease row, skipping it (and refusing at
            once) if another reviewer is taking it over at this moment; a lease taken since this
            process last looked is refused too. (Copies of old takes, by migrate, are recorded as
            they were: the store folds a take whose assignee had already gone as a no-op.)"""
            for doc in takes:
                found = conn.execute(
                    "SELECT holders FROM leases WHERE article = %s FOR UPDATE SKIP LOCKED", [doc["article"]]
                ).fetchone()
                if self.mode != "review":
                    continue
                aid = clean_line(doc["article"], 80)
                if found is None:
                    busy = conn.execute("SELECT 1 FROM leases WHERE article = %s", [doc["article"]]).fetchone()
                    if busy is not None:
                        raise DecisionError(f"article '{aid}' is being taken over by another reviewer right now")
                    raise DecisionError(f"article '{aid}' is not assigned: there is nothing to take over")
                holders = list(found[0])
                if doc["from"] not in holders or doc["to"] in holders:
                    raise DecisionError(
                        f"article '{aid}' was taken over meanwhile (assigned now to {clean_line(', '.join(holders), 120)})"
                    )

        def insert(conn: psycopg.Connection[Any]) -> tuple[list[Any], int | None]:
            seen = self._since(conn)
            return seen, (self._index_insert(conn, records) if records else None)

        seen, last = self._write(insert, lambda conn: ([], None), before=lease if takes else None)
        out = self._index_rows(seen)
        if last is not None:
            self._iwm = max(self._iwm, last)
        return out

    def add_article(
        self, row: dict[str, Any], body: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> tuple[str, str, list[IndexRecord]]:
        self._need_writer()
        doc = orjson.dumps({**body, "text_sha": row["text_sha"], "row": row}).decode()
        cands = [orjson.dumps(c).decode() for c in candidates]

        def insert(conn: psycopg.Connection[Any]) -> tuple[list[Any], str | None, int | None]:
            seen = self._since(conn)
            shas = dict(self._by_sha)  # with what others indexed meanwhile
            ids = set(self._by_id)
            for _, table, text in seen:
                if table == "articles":
                    other = orjson.loads(text)
                    shas[other["text_sha"]] = other["id"]
                    ids.add(other["id"])
            existing = shas.get(row["text_sha"])
            if existing is not None:
                return seen, existing, None
            if row["id"] in ids:
                raise StoreError(
                    f"{clean_line(row.get('path') or row['id'])}: id '{clean_line(row['id'], 80)}' is already "
                    "used by a different article in the store"
                )
            conn.execute(
                "INSERT INTO articles (id, text_sha, doc) VALUES (%s, %s, %s::json)",
                [row["id"], row["text_sha"], doc],
            )
            if candidates:
                conn.execute(
                    "INSERT INTO candidates (article, ord, id, kind, doc) "
                    "SELECT %s, n, i, k, d::json FROM unnest(%s::text[], %s::text[], %s::text[]) "
                    "WITH ORDINALITY AS u(i, k, d, n)",
                    [row["id"], [c["id"] for c in candidates], [c["kind"] for c in candidates], cands],
                )
            return seen, None, self._index_insert(conn, [("articles", row)])

        def recovered(conn: psycopg.Connection[Any]) -> tuple[list[Any], str | None, int | None]:
            return [], None, None  # added: poll brings the index record (the store folds it once)

        seen, existing, last = self._write(insert, recovered)
        out = self._index_rows(seen)
        if existing is not None:
            return "duplicate", existing, out
        if last is not None:
            self._iwm = max(self._iwm, last)
        self._by_sha[row["text_sha"]] = row["id"]
        self._by_id.add(row["id"])
        return "added", row["id"], out

    def save_cache(self, entries: dict[str, dict[str, Any]]) -> None:
        """Keep the per-article summaries, each with the position it covers (best effort)."""
        rows: list[tuple[str, int, str]] = []
        for aid, entry in entries.items():
            raw = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
            if self._loaded.get(aid) == raw:
                continue
            rows.append((aid, max(self._dwm, self._upto.get(aid, 0)), raw.decode()))
        if not rows:
            return

        def upsert(conn: psycopg.Connection[Any]) -> None:
            conn.execute(
                "INSERT INTO summaries AS s (article, upto, entry) "
                "SELECT a, u, e::json FROM unnest(%s::text[], %s::bigint[], %s::text[]) AS t(a, u, e) "
                "ON CONFLICT (article) DO UPDATE SET upto = EXCLUDED.upto, entry = EXCLUDED.entry "
                "WHERE s.upto <= EXCLUDED.upto",
                [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )

        with contextlib.suppress(StoreError):
            self._write(upsert, lambda conn: None)

    # -- the store's clock, presence ----------------------------------------------------------------

    def clock_offset(self) -> float:
        """The server's clock against this machine's (presence is already timed by the server's
        ``now()``; decisions, assignments and takes are stamped by the client). Read when the store
        opens and then by polls (:meth:`_read_clock`), never here: a read on the way to a write would
        meet a lost session first, and the write must be the one to find it (it reconnects at once)."""
        return self.offset

    def _read_clock(self, conn: psycopg.Connection[Any]) -> None:
        pg = _driver()
        self.offset_at = time.monotonic()
        with contextlib.suppress(pg.Error), self._answered(conn):
            before = time.time()
            row = conn.execute("SELECT extract(epoch FROM clock_timestamp())").fetchone()
            after = time.time()
            if row is not None and after - before < clock.SLACK:  # (a slow answer says little of the clock)
                self.offset = clock.skew(float(row[0]), before, after)

    def set_presence(self, reviewer: str, article: str | None) -> None:
        pg = _driver()
        with contextlib.suppress(StoreError, pg.Error):
            conn = self._connection()
            with self._answered(conn):
                self._presence_row(conn, reviewer, article)

    @staticmethod
    def _presence_row(conn: psycopg.Connection[Any], reviewer: str, article: str | None) -> None:
        if article is None:
            conn.execute("DELETE FROM presence WHERE reviewer = %s", [reviewer])
        else:
            conn.execute(
                "INSERT INTO presence (reviewer, article, at, pid) VALUES (%s, %s, now(), %s) "
                "ON CONFLICT (reviewer) DO UPDATE SET article = EXCLUDED.article, at = EXCLUDED.at, pid = EXCLUDED.pid",
                [reviewer, article, os.getpid()],
            )

    def presence(self) -> dict[str, dict[str, Any]]:
        """Who is on which article: the fresh rows of reviewers whose writer lock is held — a session
        the server has ended (its app killed, its host gone) holds none (QA: a killed app was shown
        "on it now" for another minute; the folder store looks at the process on this machine)."""

        def read(conn: psycopg.Connection[Any]) -> tuple[list[Any], set[int]]:
            rows = conn.execute(
                "SELECT reviewer, article, extract(epoch FROM at) FROM presence "
                "WHERE at > now() - make_interval(secs => %s)",
                [PRESENCE_FRESH],
            ).fetchall()
            # a bigint advisory key shows in pg_locks as its high and low halves (classid, objid)
            held = conn.execute(
                "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
                "WHERE locktype = 'advisory' AND objsubid = 1 AND granted"
            ).fetchall()
            return rows, {int(k) for (k,) in held}

        rows, held = self._read(read)
        alive = {k & 0xFFFFFFFFFFFFFFFF for k in held}
        return {
            who: {"article": aid, "at": float(at)}
            for who, aid, at in rows
            if (self._key("reviewer", who) & 0xFFFFFFFFFFFFFFFF) in alive
        }

    # -- upkeep (doctor) ---------------------------------------------------------------------------

    def missing_tables(self) -> list[str]:
        """The store's tables that are not there (doctor)."""
        names = [*pgschema.WRITE_ONCE, *pgschema.DERIVED]

        def look(conn: psycopg.Connection[Any]) -> list[str]:
            rows = conn.execute(
                "SELECT t FROM unnest(%s::text[]) AS t WHERE to_regclass(format('%%I.%%I', %s::text, t)) IS NULL",
                [names, self.schema],
            ).fetchall()
            return [str(t) for (t,) in rows]

        return self._read(look)

    def make_derived(self) -> None:
        """Make the derived tables that are missing again, empty (doctor --repair fills them), with the
        rights the roles have on the store's other tables of their kind."""
        self._need_writer()

        def make(conn: psycopg.Connection[Any]) -> None:
            missing = [
                name
                for name in pgschema.DERIVED
                if conn.execute("SELECT to_regclass(%s) IS NULL", [name]).fetchone() == (True,)
            ]
            conn.execute(pgschema.derived_tables())
            like = next((name for name in pgschema.DERIVED if name not in missing), None)
            if like is not None:
                for name in missing:
                    _grant_as_on(conn, name, like)

        self._write(make, lambda conn: None)

    def rebuild_derived(self) -> None:
        """Rebuild the derived tables (who decided on what, summaries) from the decisions."""
        self._need_writer()

        def rebuild(conn: psycopg.Connection[Any]) -> None:
            conn.execute(pgschema.REBUILD)
            _refill_leases(conn)

        self._write(rebuild, lambda conn: None)


_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}


def _grant_as_on(conn: psycopg.Connection[Any], table: str, like: str) -> None:
    """Give every role what it has on ``like`` on ``table`` too — a table an upgrade made, that the
    reviewers' roles must use as they use the other derived ones (QA: after the owner's upgrade made
    ``leases``, other roles got "permission denied for table leases" on assign and take-overs)."""
    from psycopg import sql

    owners = dict(
        conn.execute(
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename IN (%s, %s)",
            [table, like],
        ).fetchall()
    )
    owner, theirs = owners.get(like), owners.get(table)
    if owner and theirs and owner != theirs:
        # the store's tables belong to a group role its writers are members of (review): the new table
        # to it as well, else the group and its other members are refused on it
        member = conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [owner]).fetchone()
        if member == (True,):
            conn.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), sql.Identifier(owner)))
    rows = conn.execute(
        "SELECT g.grantee, g.privilege_type FROM information_schema.role_table_grants g "
        "JOIN pg_tables t ON t.schemaname = g.table_schema AND t.tablename = g.table_name "
        "WHERE g.table_schema = current_schema() AND g.table_name = %s AND g.grantee <> t.tableowner",
        [like],
    ).fetchall()
    for grantee, privilege in rows:
        if privilege not in _PRIVILEGES:
            continue
        who = sql.SQL("PUBLIC") if grantee == "PUBLIC" else sql.Identifier(grantee)
        conn.execute(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(privilege), sql.Identifier(table), who))


def _refill_leases(conn: psycopg.Connection[Any]) -> None:
    """The (empty) leases table filled from the index's assignments and takes, in their order."""
    rows = conn.execute(
        "SELECT tbl, doc::text FROM index_records WHERE tbl IN ('assignments', 'takes') ORDER BY pos"
    ).fetchall()
    _apply_leases(conn, [(table, orjson.loads(text)) for table, text in rows])


def _apply_leases(conn: psycopg.Connection[Any], records: list[IndexRecord]) -> None:
    """Keep the leases table (each assigned article's assignees now) as the index records change it;
    runs of records of one kind go in one batch."""
    for table, run in groupby(records, key=lambda r: r[0]):
        docs = [doc for _, doc in run]
        with conn.cursor() as cur:
            if table == "assignments":
                cur.executemany(
                    "INSERT INTO leases (article, holders, assigned_at, lease_hours) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (article) DO UPDATE SET holders = EXCLUDED.holders, "
                    "assigned_at = EXCLUDED.assigned_at, lease_hours = EXCLUDED.lease_hours",
                    [[d["article"], list(d["reviewers"]), d["at"], lease_of(d)] for d in docs],
                )
            elif table == "takes":  # as Assignments.fold applies it
                cur.executemany(
                    "UPDATE leases SET holders = array_replace(holders, %s, %s) "
                    "WHERE article = %s AND %s = ANY(holders) AND NOT %s = ANY(holders)",
                    [[d["from"], d["to"], d["article"], d["from"], d["to"]] for d in docs],
                )


def _fetch_all(query: str, params: list[Any], conn: psycopg.Connection[Any]) -> list[Any]:
    return conn.execute(query, params).fetchall()


def _field(text: str, key: str) -> Any:
    """``key`` of the JSON object ``text`` (None if it is not one, or lacks it)."""
    doc = _json_or_none(text)
    return doc.get(key) if isinstance(doc, dict) else None


#: what each index table's documents need (and must be strings) for the store to read them
_INDEX_NEEDS = {
    "articles": ("id", "text_sha"),
    "removed": ("article",),
    "assignments": ("article",),
    "takes": ("article",),
}


def _index_doc_ok(table: str, doc: object) -> bool:
    return isinstance(doc, dict) and all(isinstance(doc.get(key), str) for key in _INDEX_NEEDS.get(table, ()))


def _record_agrees(text: str, **columns: Any) -> bool:
    """Whether a decision's record (JSON text) holds what its row's columns say."""
    record = _json_or_none(text)
    if not isinstance(record, dict):
        return False
    return all(type(record.get(key)) is type(value) and record.get(key) == value for key, value in columns.items())


def _json_or_none(text: str) -> Any:
    """The JSON value ``text`` holds (strings with \\u0000 or lone surrogates included), or None."""
    try:
        return orjson.loads(text.encode("utf-8", "surrogatepass"))
    except (orjson.JSONDecodeError, UnicodeEncodeError):
        return None


def check(url: str, *, repair: bool = False) -> Any:
    """``newsreview doctor`` on a PostgreSQL store: a :class:`tui.store.doctor.Report`."""
    from .doctor import Report

    report = Report()
    engine = PostgresEngine(url)
    engine.open("add" if repair else "read", "doctor", "'newsreview doctor'")
    try:
        missing = engine.missing_tables()
        lost = [t for t in missing if t in pgschema.WRITE_ONCE]
        if lost:  # the store's own data: nothing to rebuild it from
            report.problems.append(
                f"{engine.location}: table(s) {', '.join(lost)} are missing: the store's own data is gone; "
                "restore them from a backup"
            )
            report.unrepairable = list(report.problems)
            return report
        if missing:
            report.problems.append(
                f"the derived table(s) {', '.join(missing)} are missing (doctor --repair makes them again)"
            )
            if not repair:
                return report
            engine.make_derived()
            report.repaired.append(f"made the missing derived table(s) {', '.join(missing)} again")
        try:
            index, _ = engine.load()
        except StoreDamaged as err:  # an index record the store cannot read: named, not mended here
            report.problems.append(str(err).removeprefix("damaged: ").removesuffix("; run 'newsreview doctor'"))
            report.unrepairable = list(report.problems)
            return report
        rows = {doc["id"]: doc for table, doc in index if table == "articles"}
        for row in rows.values():
            try:
                engine.read_article(row)
            except StoreDamaged as err:
                report.problems.append(str(err).removeprefix("damaged: "))

        def facts(conn: psycopg.Connection[Any]) -> Any:
            # The stored JSON is compared in Python, not with ->> in SQL: PostgreSQL's json operators
            # de-escape every string of a document they look into, and refuse one holding \u0000 (an
            # article's text or metadata may, and so a decision's record on it), failing the whole check.
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                triggers = conn.execute(
                    "SELECT c.relname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal",
                    [engine.schema],
                ).fetchall()
                stored = {aid for (aid,) in conn.execute("SELECT id FROM articles").fetchall()}
                for (text,) in conn.execute("SELECT doc::text FROM index_records WHERE tbl = 'articles'"):
                    stored.discard(_field(text, "id"))
                mismatched = 0
                first = ""
                with conn.cursor(name="newsreview_doctor") as cur:
                    cur.itersize = 2000
                    cur.execute("SELECT id, reviewer, article, candidate, rseq, action, record::text FROM decisions")
                    for did, who, aid, cid, rseq, action, text in cur:
                        agrees = _record_agrees(
                            text, id=did, reviewer=who, article=aid, candidate=cid, seq=rseq, action=action
                        )
                        if not agrees and not mismatched:
                            first = f"the first: {clean_line(who, 64)}'s on article {clean_line(aid, 80)}"
                        mismatched += not agrees
                orphans = conn.execute(
                    "SELECT count(*), min(d.article) FROM decisions d WHERE NOT EXISTS "
                    "(SELECT 1 FROM articles a WHERE a.id = d.article)"
                ).fetchone()
                bad_summaries = sum(
                    not isinstance(_json_or_none(text), dict)
                    for (text,) in conn.execute("SELECT entry::text FROM summaries")
                )
                derived = conn.execute(
                    "SELECT count(*) FROM (SELECT article, reviewer, count(*) AS n, max(pos) AS p, max(at) AS t "
                    "FROM decisions GROUP BY article, reviewer) d FULL JOIN article_reviewers r USING (article, reviewer) "
                    "WHERE d.n IS DISTINCT FROM r.decisions OR d.p IS DISTINCT FROM r.last_pos OR d.t IS DISTINCT FROM r.last_at"
                ).fetchone()
            return triggers, len(stored), mismatched, first, derived, bad_summaries, orphans

        # (not bounded: one transaction reads every decision of the store)
        triggers, unindexed, mismatched, first, derived, bad_summaries, orphans = engine._read(facts, bounded=False)
        guards = {f"{t}": enabled for t, enabled in triggers}
        for table in ("articles", "candidates", "index_records", "decisions"):
            if guards.get(table) is None:
                report.problems.append(f"{engine.location}: the write-once guard of table {table} is missing")
        disabled = sorted({t for t, enabled in triggers if enabled == "D"})
        if disabled:
            report.problems.append(
                f"{engine.location}: triggers are disabled on {', '.join(disabled)} (written-once tables may have been changed)"
            )
        if unindexed:
            report.notes.append(f"{unindexed} article row(s) are not in the index (not shown)")
        if mismatched:
            report.problems.append(f"{mismatched} decision row(s) whose columns disagree with their record ({first})")
        if orphans and orphans[0]:
            report.problems.append(
                f"{orphans[0]} decision row(s) on an article the store does not hold (the first: "
                f"{clean_line(orphans[1], 80)})"
            )
        if bad_summaries:
            report.problems.append(f"the derived table summaries holds {bad_summaries} unreadable row(s)")
        stale = int(derived[0]) if derived else 0
        if stale:
            report.problems.append(f"the derived table article_reviewers disagrees with the decisions ({stale} row(s))")
        if repair:
            engine.rebuild_derived()
            report.repaired.append(
                "rebuilt the derived tables (who decided on what; the per-article summaries are rebuilt by the next writer)"
            )
        # the written-once tables are never changed by doctor (QA: --repair said "the store opens
        # again" over disabled guards and an altered text, and doctor then sent the user back to it)
        report.unrepairable = [p for p in report.problems if "derived table" not in p]
    finally:
        engine.close()
    return report
