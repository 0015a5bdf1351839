"""The web server of ``newsreview serve``: textual-serve's server with a login in front of every route.

textual-serve (``Server``) runs one app process per websocket and relays the terminal stream; it has
no authentication. Here its aiohttp application gets:

- a middleware that refuses every request without a valid session (401), except the page that asks
  for one: ``GET /`` (login form, or the app once logged in), ``POST /login`` and ``GET /logout``;
- sessions: a random cookie (HttpOnly, SameSite=Lax) issued after a valid ``?token=`` or the login
  form, bound server-side to the reviewer name; tokens are compared in constant time and never
  written anywhere (no access log: request lines carry ``?token=``);
- origin checks: a websocket upgrade or login POST from another origin is refused; in open mode
  (loopback, no token) the ``Host`` header must name a loopback address, so a DNS-rebinding page
  cannot reach the server through the visitor's browser;
- per-tab processes started with ``create_subprocess_exec`` (argv list: the reviewer is one
  element, no shell), at most ``max_tabs`` at once;
- its own page (no third-party fonts; URLs taken from the browser's location so it works through an
  SSH tunnel on any local port; the terminal gets keyboard focus on load) and security headers (CSP
  with a per-response nonce, no framing, no referrer, no caching).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import ipaddress
import json
import logging
import re
import secrets
import signal
import socket
import ssl
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from aiohttp.http_exceptions import HttpProcessingError
from textual_serve.app_service import AppService
from textual_serve.server import Server

from ..sanitize import clean_line
from . import Access, ServeError, is_loopback, tab_environment, valid_reviewer
from .tab import tab_argv

log = logging.getLogger("newsreview.serve")

SESSION_SECONDS = 12 * 3600
FAILED_LOGINS = 20  # at most this many failed token attempts ...
FAILED_WINDOW = 60.0  # ... per this many seconds, server-wide; then 429 until the window passes
STOP_SECONDS = 5.0  # a tab process that has not quit this long after being asked is killed
RELOAD_GRACE_SECONDS = 1.5  # a reviewer's second tab waits this long for a reload's old page to close
MAX_SESSIONS = 1000  # sessions kept at most: beyond, the oldest without an open tab go
REFUSED_TAB_SECONDS = 600.0  # a tab refused (--max-tabs) keeps its message on screen this long
PUBLIC = {("GET", "/"), ("HEAD", "/"), ("POST", "/login"), ("GET", "/logout"), ("POST", "/logout")}
#: the largest terminal a tab may ask for, columns and rows (QA: a websocket "resize" to 30000 × 30000
#: grew the tab's process by 100 MB a second); the smallest is 10 × 10
MAX_WIDTH, MAX_HEIGHT = 500, 250
#: what a browser says of a navigation made by another site's page (``Sec-Fetch-Site``)
FOREIGN = ("cross-site", "same-site")
HOST_RE = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
# How the server is run, here and in tests: no access log, as request lines carry ?token=.
RUNNER_OPTIONS: dict[str, Any] = {"access_log": None, "handle_signals": False}


@dataclass
class ServeConfig:
    store: Path
    access: Access
    host: str = "127.0.0.1"
    port: int = 8000
    max_tabs: int = 8
    allow_add: bool = False
    model: str | None = None
    users_warning: str | None = None
    tls: ssl.SSLContext | None = None
    # What a tab runs, given the reviewer (tests swap it); None: ``python -m tui.serve.tab``.
    tab_command: Any = None
    out: Any = field(default=None, repr=False)  # where the server's own lines go (default stdout)


@dataclass
class Session:
    reviewer: str | None
    expires: float
    tabs: int = 0
    used: float = field(default_factory=time.time)  # its last request (the cap drops the least used)
    sockets: set[web.WebSocketResponse] = field(default_factory=set)  # its open tabs, ended with it


class BadMessage(ValueError):
    """A websocket message that is not textual-serve's protocol."""


def client_message(data: str) -> tuple[str, Any]:
    """One message of the page's websocket, checked: (``stdin``, text), (``resize``, (width, height))
    clamped to 10 × 10 … :data:`MAX_WIDTH` × :data:`MAX_HEIGHT`, (``ping``, data), (``blur`` |
    ``focus``, None), or (``other``, None) for a kind the server ignores. Raises :class:`BadMessage`."""
    try:
        envelope = json.loads(data)
    except ValueError:
        raise BadMessage("not JSON") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise BadMessage("not a [kind, data] list")
    kind, value = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind == "stdin":
        if not isinstance(value, str):
            raise BadMessage("stdin without text")
        return kind, value
    if kind == "resize":
        if not isinstance(value, dict):
            raise BadMessage("resize without a size")
        width, height = value.get("width"), value.get("height")
        if type(width) is not int or type(height) is not int:  # (not a bool either)
            raise BadMessage("resize with a size that is not two whole numbers")
        return kind, (_clamp(width, MAX_WIDTH), _clamp(height, MAX_HEIGHT))
    if kind == "ping":
        return kind, value
    if kind in ("blur", "focus"):
        return kind, None
    return "other", None


class QuietProtocolErrors(logging.Filter):
    """aiohttp logs a request it cannot parse with a traceback that quotes the request line or a
    header — ``?token=…`` and the session cookie with them (QA: an overlong URL, ``HTTP/9.9``, a NUL,
    an 8 KB Cookie header). Such a record becomes one line naming the kind of error, nothing of the
    request; anything else (a bug of ours) keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            remote = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            record.msg = "refused a request it could not read from %s (%s, %s)"
            record.args = (remote, type(exc).__name__, getattr(exc, "code", "?"))
            record.exc_info, record.exc_text = None, None
        return True


QUIET = QuietProtocolErrors()


SESSION = web.RequestKey("session", Session)
NONCE = web.RequestKey("nonce", str)


class TabService(AppService):
    """textual-serve's AppService, but the process is started from an argv list, without a shell."""

    def __init__(self, argv: list[str], reviewer: str, **kwargs: Any) -> None:
        super().__init__("newsreview tab", **kwargs)
        self.argv = argv
        self.reviewer = reviewer
        self.websocket: web.WebSocketResponse | None = None  # the tab's page

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        return tab_environment(env)

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def stop_within(self, seconds: float) -> None:
        """Ask the app to quit; kill the process if it has not exited in time."""
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
            await asyncio.wait_for(self.stop(), seconds)
        process = self._process
        if process is None or process.returncode is not None:
            return
        try:
            # Usually it has just exited and asyncio's child watcher has yet to say so; killing now
            # would reap it behind the watcher's back (Popen.send_signal polls first).
            await asyncio.wait_for(process.wait(), 2.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class DeskServer(Server):
    """textual-serve's Server with the login, sessions and per-reviewer tab processes."""

    def __init__(self, config: ServeConfig) -> None:
        super().__init__("newsreview", host=config.host, port=config.port, title="newsreview")
        self.config = config
        self.access = config.access
        self.cookie = "newsreview_" + secrets.token_hex(4)  # per server: several on one host don't clash
        self.sessions: dict[bytes, Session] = {}
        self.failures: deque[float] = deque()
        self.tabs: set[TabService] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self.closing: set[asyncio.Future[Any]] = set()  # tabs being ended with their session
        self.refused: set[web.WebSocketResponse] = set()  # tabs refused (--max-tabs), their message shown
        self.out = config.out or sys.stdout

    # -- output ------------------------------------------------------------------------------------

    def say(self, line: str) -> None:
        """One line of the server's own log: never a token (none is ever passed here)."""
        self.out.write(f"newsreview serve: {line}\n")
        self.out.flush()

    # -- aiohttp application ----------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        logging.getLogger("aiohttp.server").addFilter(QUIET)  # (once: a filter is added once)
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/", self.handle_page, name="index"),
                web.post("/login", self.handle_login, name="login"),
                web.get("/logout", self.handle_logout, name="logout"),
                web.post("/logout", self.handle_logout, name="logout-post"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_response_prepare.append(self.add_headers)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self.access.needs_token and not self.loopback_host(request):
            return refuse(403, "this server answers only to localhost, 127.0.0.1 or [::1] (no token is set)")
        if (request.method, request.path) in PUBLIC:
            return await handler(request)  # type: ignore[no-any-return]
        session = self.session_of(request)
        if session is None or session.reviewer is None:
            return refuse(401, "not logged in: open / and log in")
        request[SESSION] = session
        return await handler(request)  # type: ignore[no-any-return]

    async def add_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")  # "no-referrer" makes Origin "null"
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        nonce = request.get(NONCE)
        scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        connect = "'self'"
        if HOST_RE.fullmatch(request.host or ""):  # older Safari does not count ws: as 'self'
            connect += f" ws://{request.host} wss://{request.host}"
        headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; font-src 'self'; "
            f"img-src 'self' data:; connect-src {connect}; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'",
        )

    # -- sessions ---------------------------------------------------------------------------------

    @staticmethod
    def loopback_host(request: web.Request) -> bool:
        try:
            host = urlsplit("//" + (request.host or "")).hostname or ""
        except ValueError:  # QA: "Host: [x]" (brackets around no address) was a 500 and a traceback
            return False
        return is_loopback(host)

    @staticmethod
    def same_origin(request: web.Request) -> bool:
        """A browser names the page's origin on websocket upgrades and POSTs: it must be this server."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not a browser; the session cookie still has to be right
        return _same_host(origin, request)

    def session_of(self, request: web.Request) -> Session | None:
        value = request.cookies.get(self.cookie)
        if not value:
            return None
        key = hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()
        session = self.sessions.get(key)
        if session is None:
            return None
        if session.expires < time.time():
            del self.sessions[key]
            self.end_tabs(session, "the session expired")
            return None
        session.used = time.time()
        return session

    def end_tabs(self, session: Session, why: str) -> None:
        """Close the session's open tabs (logged out, expired): each tab's process then stops. QA: a
        tab stayed live after /logout and kept recording decisions under the name."""
        for websocket in list(session.sockets):
            task = asyncio.ensure_future(websocket.close(code=1008, message=why.encode()))
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)

    def new_session(self, response: web.StreamResponse, request: web.Request, reviewer: str | None) -> Session:
        now = time.time()
        for key in [k for k, s in self.sessions.items() if s.expires < now and s.tabs == 0]:
            del self.sessions[key]
        if len(self.sessions) >= MAX_SESSIONS:  # QA: 20,000 logins (open mode) were all kept 12 hours
            idle = sorted((s.used, k) for k, s in self.sessions.items() if s.tabs == 0)
            for _, key in idle[: len(self.sessions) - MAX_SESSIONS + 1]:
                del self.sessions[key]
        value = secrets.token_urlsafe(32)
        session = Session(reviewer, time.time() + SESSION_SECONDS)
        self.sessions[hashlib.sha256(value.encode()).digest()] = session
        response.set_cookie(
            self.cookie,
            value,
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.secure or None,
            path="/",
        )
        return session

    def drop_session(self, request: web.Request, why: str = "logged out") -> None:
        value = request.cookies.get(self.cookie)
        if value:
            session = self.sessions.pop(hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest(), None)
            if session is not None:
                self.end_tabs(session, why)

    def from_another_site(self, request: web.Request) -> bool:
        """A navigation that may have been started by another site's page: ``Sec-Fetch-Site`` says so
        (a link opened from a terminal, a bookmark or the address bar says ``none``). Browsers send it
        only to HTTPS and loopback addresses (the review: on plain HTTP off loopback the check did
        nothing): without it, a ``Referer`` or ``Origin`` of another host says so, and with neither, a
        browser that is logged in already is asked too."""
        fetch = request.headers.get("Sec-Fetch-Site")
        if fetch is not None:
            return fetch.lower() in FOREIGN
        came = request.headers.get("Origin") or request.headers.get("Referer")
        if came:
            return not _same_host(came, request)
        return self.session_of(request) is not None

    def throttled(self) -> bool:
        now = time.monotonic()
        while self.failures and self.failures[0] < now - FAILED_WINDOW:
            self.failures.popleft()
        return len(self.failures) >= FAILED_LOGINS

    def failed(self, request: web.Request, why: str) -> None:
        self.failures.append(time.monotonic())
        self.say(f"refused a login from {request.remote}: {why}")

    # -- pages ------------------------------------------------------------------------------------

    async def handle_page(self, request: web.Request) -> web.StreamResponse:
        if "token" in request.query:
            return await self.token_link(request)
        session = self.session_of(request)
        if session is not None and session.reviewer is not None:
            return self.app_page(request, session.reviewer)
        if session is not None:  # the token was right; now the name
            return self.login_page(request, 200, token=False)
        # the login form is the page anyone may have: 200 (QA: a 401 here was a console error in the
        # browser each time the page showed); every other route without a session is refused, 401
        return self.login_page(request, 200, token=self.access.needs_token)

    async def token_link(self, request: web.Request) -> web.StreamResponse:
        """``/?token=…``: a valid token becomes a session, and the token leaves the address bar."""
        if not self.access.needs_token:
            return redirect()
        token = request.query.get("token", "")
        if self.from_another_site(request):
            # QA: another site's page sent the browser here with its own valid token and switched the
            # analyst to that name (a login CSRF). Not without the analyst's click — and the token is
            # not checked here: no answer for another site to learn from, no failure counted against
            # the server's limit (the review: any page could keep every login at 429)
            return self.login_page(
                request,
                200,
                token=True,
                filled=token,
                message="Another site sent you to this login link. Go on only if you meant to log in with it.",
            )
        if self.throttled():
            return refuse(429, "too many failed logins: wait a minute")
        ok, reviewer = self.access.check(token)
        if not ok:
            self.failed(request, "wrong token in the link")
            return self.login_page(request, 401, token=True, message="That link's token is not valid.")
        response = redirect()
        # QA: a second login by link kept the first session, whose tab /logout then could not end
        self.drop_session(request, "logged in again")
        self.new_session(response, request, reviewer)
        if reviewer:
            self.say(f"{clean_line(reviewer, 64)} logged in from {request.remote}")
        return response

    def foreign_origin(self, request: web.Request, what: str) -> web.Response:
        """Refuse a login post or websocket whose ``Origin`` is not this server, saying in the log what
        did not match: behind a TLS proxy that does not pass the ``Host`` header on, every login was
        refused as "from another site" and nothing said why (QA)."""
        origin = clean_line(request.headers.get("Origin", ""), 100)
        self.say(
            f"refused a {what} from another site: Origin {origin} is not this server's Host "
            f"{clean_line(request.host or '', 100)} (behind a proxy, pass the Host header on: "
            "nginx 'proxy_set_header Host $http_host;')"
        )
        return refuse(403, f"{what} from another site refused")

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            return self.foreign_origin(request, "login")
        try:
            form = await request.post()
        except (UnicodeDecodeError, LookupError, ValueError) as err:  # QA: a 500 and a traceback in the log
            self.say(f"refused a login form from {request.remote} that cannot be read: {clean_line(err, 120)}")
            return refuse(400, "a login form this server cannot read")
        session = self.session_of(request)
        reviewer: str | None = None
        # A token is checked unless this browser already passed one (a shared-token session waiting
        # for its name); with --users the token is the name, so it is always checked.
        if self.access.needs_token and (session is None or self.access.mode == "users"):
            if self.throttled():
                return refuse(429, "too many failed logins: wait a minute")
            ok, reviewer = self.access.check(str(form.get("token", "")))
            if not ok:
                self.failed(request, "wrong token")
                return self.login_page(request, 401, token=True, message="That token is not valid.")
        if self.access.needs_name:
            try:
                reviewer = valid_reviewer(str(form.get("name", "")))
            except ValueError as err:
                ask_token = self.access.needs_token and session is None
                return self.login_page(request, 400, token=ask_token, message=str(err))
        response = redirect()
        if session is not None:
            self.drop_session(request)
        self.new_session(response, request, reviewer)
        self.say(f"{clean_line(reviewer or '?', 64)} logged in from {request.remote}")
        return response

    async def handle_logout(self, request: web.Request) -> web.StreamResponse:
        if (request.method == "POST" and not self.same_origin(request)) or (
            request.method == "GET" and self.from_another_site(request)
        ):  # QA: any site could log an analyst out (and end their tabs): a button of ours instead
            return web.Response(status=200, text=LOGOUT_PAGE, content_type="text/html")
        self.drop_session(request)
        response = redirect()
        response.del_cookie(self.cookie, path="/")
        return response

    def login_page(
        self, request: web.Request, status: int, *, token: bool, message: str = "", filled: str = ""
    ) -> web.Response:
        name = self.access.needs_name
        fields = []
        if token:
            value = f' value="{html.escape(filled)}"' if filled else ""
            fields.append(
                f'<label>Access token<input name="token" type="password" autocomplete="current-password" '
                f"required{value}{'' if filled else ' autofocus'}></label>"
            )
        if name:
            fields.append(
                f'<label>Your name (on every decision)<input name="name" maxlength="64" required '
                f'autocomplete="username"{"" if token else " autofocus"}></label>'
            )
        note = f'<p class="error">{html.escape(message)}</p>' if message else ""
        script = ""
        if "token" in request.query:
            # a login form shown at /?token=… (another site's link, a wrong token): the token leaves
            # the address bar and this page's history entry, as a right one does by its redirect
            nonce = secrets.token_urlsafe(16)
            request[NONCE] = nonce
            script = f'<script nonce="{nonce}">history.replaceState(null, "", "/");</script>'
        body = LOGIN_PAGE.format(
            fields="\n".join(fields), message=note, store=html.escape(self.config.store.name), script=script
        )
        return web.Response(status=status, text=body, content_type="text/html")

    def app_page(self, request: web.Request, reviewer: str) -> web.Response:
        nonce = secrets.token_urlsafe(16)
        request[NONCE] = nonce
        body = APP_PAGE.format(nonce=nonce, reviewer=html.escape(reviewer), store=html.escape(self.config.store.name))
        return web.Response(text=body, content_type="text/html")

    # -- the websocket: one tab process per connection ----------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        session = request[SESSION]
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=self.foreign_origin(request, "websocket").text)
        reviewer = session.reviewer
        assert reviewer is not None
        width = _int(request.query.get("width"), 80, MAX_WIDTH)
        height = _int(request.query.get("height"), 24, MAX_HEIGHT)
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if not await self._none_of(reviewer):
            # QA: a second tab of one reviewer started a process only to be refused by the store's lock,
            # and held one of --max-tabs' slots while its message was on screen
            await self._refuse(
                websocket,
                session,
                f"cannot open the store: reviewer '{clean_line(reviewer, 64)}' already has a tab "
                "open on this server. A reviewer reviews in one place at a time: close that tab (or log out "
                "there) and reload this page.",
            )
            return websocket
        if len(self.tabs) >= self.config.max_tabs:
            tabs = f"{len(self.tabs)} tab{'s are' if len(self.tabs) != 1 else ' is'}"
            await self._refuse(
                websocket,
                session,
                f"{tabs} open, the most this server allows (--max-tabs); close one and reload this page.",
            )
            return websocket
        argv = (self.config.tab_command or self.tab_argv)(reviewer)
        service = TabService(
            argv,
            reviewer,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        service.websocket = websocket
        self.tabs.add(service)
        self.sockets.add(websocket)
        session.sockets.add(websocket)
        session.tabs += 1
        shown = clean_line(reviewer, 64)
        ended: asyncio.Future[None] | None = None
        try:
            await service.start(width, height)
            self.say(f"tab opened for {shown} (pid {service.pid}; {len(self.tabs)} open)")
            ended = asyncio.ensure_future(self._close_when_done(service, websocket, session))
            await self._process_messages(websocket, service)
        except (ConnectionError, asyncio.CancelledError):
            pass  # the browser went away
        except BadMessage as error:
            self.say(f"closed a tab of {shown}: its page sent a message that is not the protocol ({error})")
        except Exception as error:  # a broken tab must not take the server down
            log.error("tab of %s failed: %s: %s", shown, type(error).__name__, error)
        finally:
            if ended is not None:
                ended.cancel()
            # Shielded: aiohttp may cancel this handler when the browser disconnects, and the tab's
            # process must still be stopped (it holds the store) and accounted for.
            await asyncio.shield(self._end_tab(service, websocket, session, shown))
        return websocket

    async def _none_of(self, reviewer: str) -> bool:
        """Whether ``reviewer`` has no tab here — after waiting for one that is closing (a reload: the old
        page's tab is still being stopped when the new page connects; its close may not even have
        arrived yet, hence a short grace before a tab whose page is still open counts as a second)."""
        now = time.monotonic()
        deadline, grace = now + STOP_SECONDS + 1.0, now + RELOAD_GRACE_SECONDS
        while any(tab.reviewer == reviewer for tab in self.tabs):
            closing = any(
                tab.reviewer == reviewer and (tab.websocket is None or tab.websocket.closed) for tab in self.tabs
            )
            now = time.monotonic()
            if now >= deadline or (not closing and now >= grace):
                return False
            await asyncio.sleep(0.1)
        return True

    async def _refuse(self, websocket: web.WebSocketResponse, session: Session, text: str) -> None:
        """Show ``text`` in a tab that gets no process. Left open a while (QA: closed at once, the page's
        "this review session has ended" covered the reason, for a tab that never started) — closed by
        a shutdown or a logout like any tab, and a few at most (the review)."""
        await websocket.send_bytes(f"\r\nnewsreview: {clean_line(text)}\r\n".encode())
        if len(self.refused) >= self.config.max_tabs:
            await websocket.close()
            return
        self.refused.add(websocket)
        self.sockets.add(websocket)
        session.sockets.add(websocket)
        try:
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(_drain(websocket), REFUSED_TAB_SECONDS)
            await websocket.close()
        finally:
            self.refused.discard(websocket)
            self.sockets.discard(websocket)
            session.sockets.discard(websocket)

    async def _end_tab(
        self, service: TabService, websocket: web.WebSocketResponse, session: Session, shown: str
    ) -> None:
        try:
            await service.stop_within(STOP_SECONDS)
            if not websocket.closed:
                await websocket.close()
        finally:
            if service in self.tabs:
                self.tabs.discard(service)
                self.sockets.discard(websocket)
                session.sockets.discard(websocket)
                session.tabs -= 1
                self.say(f"tab closed for {shown} ({len(self.tabs)} open)")

    @staticmethod
    async def _close_when_done(service: TabService, websocket: web.WebSocketResponse, session: Session) -> None:
        """When the tab's process ends (q, a crash), or its session expires, close the websocket: the
        page says the session ended."""
        task = service._task
        if task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), max(0.0, session.expires - time.time()))
        expired = session.expires <= time.time()  # (the page shows why: QA saw only "has ended")
        await websocket.close(message=b"the session expired (12 hours after logging in)" if expired else b"")

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """textual-serve's loop over the page's messages, each checked first (:func:`client_message`):
        a resize is clamped, anything else malformed ends the tab with one line in the log (QA: a
        negative size crashed the tab and put its traceback in the server's output)."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            kind, value = client_message(message.data)
            if kind == "stdin":
                await app_service.send_bytes(value.encode("utf-8", "replace"))
            elif kind == "resize":
                await app_service.set_terminal_size(*value)
            elif kind == "ping":
                await websocket.send_json(["pong", value])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    def tab_argv(self, reviewer: str) -> list[str]:
        return tab_argv(self.config.store, reviewer, model=self.config.model, allow_add=self.config.allow_add)

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            await websocket.close(code=1001, message=b"server stopped")
        await asyncio.gather(*(service.stop_within(STOP_SECONDS) for service in list(self.tabs)))

    async def on_startup(self, app: web.Application) -> None:
        pass  # textual-serve prints a logo and the command; the banner is printed by run()


async def _drain(websocket: web.WebSocketResponse) -> None:
    async for _ in websocket:
        pass


def redirect(to: str = "/") -> web.Response:
    return web.Response(status=303, headers={"Location": to})


def refuse(status: int, why: str) -> web.Response:
    return web.Response(status=status, text=f"newsreview: {why}\n")


def _clamp(value: int, most: int) -> int:
    """A terminal size the tab may have: from 10 to ``most``."""
    return max(10, min(most, value))


def _int(value: str | None, default: int, most: int) -> int:
    try:
        return _clamp(int(value or ""), most)
    except ValueError:
        return default


def _same_host(url: str, request: web.Request) -> bool:
    """Whether ``url`` (an ``Origin`` or ``Referer``) names this server as the request reached it; a
    header no URL can be read from does not (QA: "Origin: http://[x]" was a 500 and a traceback)."""
    try:
        return urlsplit(url).netloc.lower() == (request.host or "").lower()
    except ValueError:
        return False


def _url_host(host: str) -> str:
    """The host part of the URL to print: this machine's name for 0.0.0.0 / :: (all interfaces)."""
    try:
        if ipaddress.ip_address(host.strip("[]")).is_unspecified:
            name = socket.getfqdn()
            return socket.gethostname() if name.startswith("localhost") else name
    except ValueError:
        pass
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


async def serve_forever(server: DeskServer, ready: asyncio.Future[int] | None = None) -> None:
    """Start listening, print where, and run until SIGINT/SIGTERM."""
    config = server.config
    app = await server._make_app()
    runner = web.AppRunner(app, **RUNNER_OPTIONS)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port, ssl_context=config.tls)
    try:
        await site.start()
    except OSError as err:
        await runner.cleanup()
        raise ServeError(f"cannot listen on {config.host}:{config.port}: {err.strerror or err}") from None
    port = runner.addresses[0][1]
    url = f"{'https' if config.tls else 'http'}://{_url_host(config.host)}:{port}/"
    access = config.access
    how = {
        "open": "loopback only, no token: each visitor gives their name",
        "token": "a token is required; each visitor then gives their name",
        "users": f"one token per analyst ({len(access.users)} in the users file)",
    }[access.mode]
    server.say(f"serving {clean_line(config.store, 200)} at {url} ({how})")
    if config.tls is None and not is_loopback(config.host):
        server.say(
            "warning: plain HTTP on a network address: tokens, cookies and articles cross the network "
            "unencrypted; use --tls-cert/--tls-key, a TLS proxy in front, or SSH tunnels to 127.0.0.1"
        )
    if config.users_warning:
        server.say(f"warning: {clean_line(config.users_warning, 300)}")
    if access.generated:
        server.say(f"open {url}?token={access.generated} (a generated token, shown only now)")
    server.say("stop with ctrl+c; every decision is saved the moment it is made")
    if ready is not None:
        ready.set_result(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        server.say("stopping: closing the open tabs")
        await runner.cleanup()


def run(config: ServeConfig) -> None:
    from ..store import ReviewStore, StoreError

    try:  # fail now, not in every tab: the store must exist and be readable
        with ReviewStore.open(config.store):
            pass
    except StoreError as err:
        raise ServeError(str(err)) from None
    logging.basicConfig(level=logging.WARNING, format="newsreview serve: %(message)s")
    asyncio.run(serve_forever(DeskServer(config)))


LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><meta name="viewport" content="width=device-width">
<title>newsreview — log in</title>
<style>
body {{ background: #0c181f; color: #e8eef2; font: 16px/1.4 system-ui, sans-serif; display: flex;
  justify-content: center; align-items: center; min-height: 100vh; margin: 0; }}
form {{ background: #12232d; padding: 2em 2.5em; border-radius: 6px; min-width: 20em; }}
h1 {{ font-size: 1.3em; margin: 0 0 .2em; }} p.store {{ color: #8aa; margin: 0 0 1.2em; }}
label {{ display: block; margin: .8em 0; }}
input {{ display: block; width: 100%; box-sizing: border-box; margin-top: .3em; padding: .5em; font: inherit;
  background: #0c181f; color: inherit; border: 1px solid #3a5566; border-radius: 3px; }}
button {{ margin-top: 1em; padding: .6em 1.6em; font: inherit; background: #5e0ba7; color: #fff; border: 0;
  border-radius: 3px; cursor: pointer; }}
p.error {{ color: #ff8a80; }}
</style></head>
<body><form method="post" action="/login">
<h1>newsreview</h1><p class="store">store {store}</p>
{message}
{fields}
<button type="submit">Review</button>
</form>{script}</body></html>
"""

LOGOUT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>newsreview — log out?</title>
<style>body { background: #0c181f; color: #e8eef2; font: 16px/1.4 system-ui, sans-serif; margin: 3em; }
button { padding: .6em 1.6em; font: inherit; background: #5e0ba7; color: #fff; border: 0; border-radius: 3px; }</style>
</head><body><p>Another site sent you here to log out of newsreview, which would end your open tabs.</p>
<form method="post" action="/logout"><button type="submit">Log out</button></form>
<p><a href="/" style="color: #c9a0ff">Back to the review</a></p></body></html>
"""

APP_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><meta name="viewport" content="width=device-width">
<title>newsreview — {reviewer} — {store}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>
@font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf");
  font-weight: 100 700; font-style: normal; }}
@font-face {{ font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf");
  font-weight: 100 700; font-style: italic; }}
html, body {{ margin: 0; height: 100%; background: #0c181f; overflow: hidden; }}
#terminal {{ position: absolute; inset: 0; }}
.ended {{ display: none; position: absolute; inset: 0; z-index: 10; background: rgba(12, 24, 31, .92);
  color: #e8eef2; font: 16px/1.5 system-ui, sans-serif; justify-content: center; align-items: center;
  flex-direction: column; }}
body.-closed .ended {{ display: flex; }}
.ended a {{ color: #c9a0ff; margin: .4em; }}
</style>
<script src="/static/js/textual.js"></script>
<script nonce="{nonce}">
(() => {{
  // The websocket lives where this page was loaded from (an SSH tunnel's local port, a proxy's https).
  const wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  const start = window.onload;  // textual.js's: creates the terminal and connects
  // why the server ended the tab (logged out, expired), on the page that says it ended (QA)
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {{
    constructor(...args) {{
      super(...args);
      // textual.js sends "focus" as the terminal takes focus, which can be before the socket is
      // open (a console error, the message lost): hold what is sent until then
      this.waiting = [];
      this.addEventListener("open", () => {{
        for (const data of this.waiting.splice(0)) super.send(data);
      }});
      this.addEventListener("close", (e) => {{
        if (e.reason) document.getElementById("ended-why").textContent = "This review session has ended: "
          + e.reason + ". Every decision is saved.";
      }});
    }}
    send(data) {{
      if (this.readyState === Native.CONNECTING) this.waiting.push(data);
      // a key pressed on a page whose session has ended goes nowhere, quietly (QA, stop 50: a console
      // error for each, "WebSocket is already in CLOSING or CLOSED state")
      else if (this.readyState === Native.OPEN) super.send(data);
    }}
  }};
  const focusTerminal = () => {{
    const input = document.querySelector(".xterm-helper-textarea");
    if (input && document.activeElement !== input) input.focus({{ preventScroll: true }});
  }};
  window.onload = async (event) => {{
    document.getElementById("terminal").dataset.sessionWebsocketUrl = wsUrl;
    try {{ await Promise.all([document.fonts.load('16px "Roboto Mono"'), document.fonts.load('bold 16px "Roboto Mono"')]); }}
    catch (e) {{ /* the fallback monospace font will do */ }}
    start.call(window, event);
    focusTerminal();
    window.addEventListener("focus", focusTerminal);
  }};
}})();
</script>
</head>
<body>
<div id="terminal" class="textual-terminal" data-font-size="16"></div>
<div class="ended"><p id="ended-why">This review session has ended; every decision is saved.</p>
<p><a href="/">Start again</a> <a href="/logout">Log out</a></p></div>
</body></html>
"""
