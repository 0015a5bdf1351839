"""``newsreview serve``: who gets in (unit and HTTP tests on the aiohttp app), and the review app in a
real browser (Debian Chromium driven by Playwright, slow) with every assertion that matters on the store.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from serve_support import (
    ROOT,
    Served,
    chromium_path,
    launch,
    login,
    new_page,
    press,
    stream_mark,
    wait_stream,
    wait_tabs_gone,
)

from tui.serve import Access, ServeError, is_loopback, load_users, resolve_access, users_file_warning, valid_reviewer
from tui.serve.tab import ADD_REFUSED, served_app, tab_argv
from tui.store import ReviewStore

from support import make_extraction

TOKEN = "desk-token-0123456789abcdef"
ALICE = "alice-token-0123456789abcdef"
BOB = "bob-token-0123456789abcdefgh"

web = pytest.importorskip("tui.serve.web", reason="textual-serve is not installed (pip install -e '.[serve]')")


# -- names, addresses, tokens, the users file ---------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "Ana María", "東京 desk", "O'Brien", "Ann $(touch x) ; `ls` & y", "x" * 64])
def test_valid_reviewer_names(name):
    assert valid_reviewer(f"  {name} ") == name


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 65, "64 characters"),
        ("a/b", "'/'"),
        ("a\\b", "'\\'"),
        ('say "x"', "'\"'"),
        ("..", "dot"),
        (".hidden", "dot"),
        ("-rf", "start with '-'"),
        ("bob\x1b[31m", "must not contain"),
        ("ev\u202eli", "bidirectional"),  # right-to-left override
        ("ev\u2066li", "bidirectional"),  # bidi isolate
        ("zero\u200bwidth", "non-printable"),
        ("two\nlines", "must not contain"),
        ("tab\there", "must not contain"),
        ("nb\u00a0sp", "non-printable"),
    ],
)
def test_invalid_reviewer_names(name, why):
    with pytest.raises(ValueError, match=None) as err:
        valid_reviewer(name)
    assert why in str(err.value)


def test_names_are_nfc_normalised():
    assert valid_reviewer("Jose\u0301") == "José"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("desk.example.org", False),
        ("", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_access_modes():
    assert resolve_access("127.0.0.1", None, None).mode == "open"
    shared = resolve_access("127.0.0.1", TOKEN, None)
    assert shared.mode == "token" and shared.check(TOKEN) == (True, None) and shared.check(TOKEN[:-1])[0] is False
    generated = resolve_access("0.0.0.0", None, None)  # beyond loopback: a token is made up and required
    assert generated.mode == "token" and generated.generated and len(generated.generated) >= 32
    assert generated.check(generated.generated) == (True, None) and not generated.check("")[0]
    assert resolve_access("0.0.0.0", None, None).generated != generated.generated
    assert TOKEN not in repr(shared) and generated.generated not in repr(generated)
    with pytest.raises(ServeError, match="at least 16"):
        resolve_access("127.0.0.1", "short", None)
    with pytest.raises(ServeError, match="no spaces"):
        resolve_access("127.0.0.1", "a token with spaces in it", None)


def write_users(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_users_file(tmp_path):
    users = write_users(tmp_path / "desk.toml", f'[users]\nalice = "{ALICE}"\n"Bob Smith" = "{BOB}"\n')
    assert load_users(users) == {ALICE: "alice", BOB: "Bob Smith"}
    access = resolve_access("0.0.0.0", None, users)
    assert access.mode == "users" and access.generated is None
    assert access.check(ALICE) == (True, "alice") and access.check(BOB) == (True, "Bob Smith")
    assert access.check(TOKEN) == (False, None)
    assert users_file_warning(users) is None
    users.chmod(0o644)
    assert "chmod 600" in (users_file_warning(users) or "")
    with pytest.raises(ServeError, match="exclude each other"):
        resolve_access("127.0.0.1", TOKEN, users)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[users]\nalice = "short"\n', "users.'alice': a token must be at least 16"),
        (f'[users]\nalice = "{ALICE}"\nbob = "{ALICE}"\n', "same token as users.'alice'"),
        (f'[users]\n"a/b" = "{ALICE}"\n', "users.'a/b': reviewer name: must not contain"),
        ("[users]\nalice = 12\n", "must be a string"),
        (f'[users]\n{"a" * 65} = "{ALICE}"\n', "reviewer name: at most 64 characters, got 65"),  # (QA: no verb)
        (f'[people]\nalice = "{ALICE}"\n', "needs a [users] table"),
        ('[users]\nalice = "unterminated\n', "line 2"),
    ],
)
def test_bad_users_files_name_the_file_and_field(tmp_path, text, message):
    path = write_users(tmp_path / "desk.toml", text)
    with pytest.raises(ServeError) as err:
        load_users(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_tab_argv_keeps_the_name_one_element(tmp_path):
    name = "Ann $(touch pwned) ; rm -rf ~ `id`"
    argv = tab_argv(tmp_path / "store", name, model="en_core_web_sm", allow_add=True)
    assert argv[-3:] == ["--", str(tmp_path / "store"), name]
    assert argv[:4] == [sys.executable, "-P", "-m", "tui.serve.tab"] and "--allow-add" in argv
    with pytest.raises(ValueError):
        tab_argv(tmp_path, "evil\u202e")


# -- the server's HTTP surface (aiohttp test client; no browser) ------------------------------------------


class Client:
    """The aiohttp app of a DeskServer on a loopback test server, cookies handled by hand."""

    def __init__(self, server: Any, client: Any) -> None:
        self.server = server
        self.client = client
        self.cookie = ""

    @property
    def origin(self) -> str:
        return f"http://{self.client.host}:{self.client.port}"

    async def request(self, method: str, path: str, *, cookie: bool = True, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if cookie and self.cookie:
            headers["Cookie"] = self.cookie
        response = await self.client.request(method, path, headers=headers, allow_redirects=False, **kwargs)
        await response.read()
        if self.server.cookie in response.cookies:
            self.cookie = f"{self.server.cookie}={response.cookies[self.server.cookie].value}"
        return response

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, data: dict[str, str], **kwargs: Any) -> Any:
        headers = {"Origin": self.origin, **kwargs.pop("headers", {})}
        return await self.request("POST", path, data=data, headers=headers, **kwargs)


@pytest.fixture
async def make_client(filled_store):
    from aiohttp.test_utils import TestClient, TestServer

    clients = []

    async def make(access: Access, **config: Any) -> Client:
        path, _ = filled_store
        out = io.StringIO()
        server = web.DeskServer(web.ServeConfig(store=path, access=access, out=out, **config))
        test_server = TestServer(await server._make_app(), host="127.0.0.1")
        await test_server.start_server(**web.RUNNER_OPTIONS)  # as the real server runs: no access log
        client = TestClient(test_server)
        await client.start_server()
        clients.append(client)
        return Client(server, client)

    yield make
    for client in clients:
        await client.close()


PROTECTED = ["/ws", "/static/js/textual.js", "/static/css/xterm.css", "/download/abc", "/static/", "/nothing"]


async def test_nothing_but_the_login_page_without_a_session(make_client):
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    page = await c.get("/")
    assert page.status == 200  # the login form (a 401 was a console error in the browser each time)
    body = await page.text()
    assert 'name="token"' in body and 'name="name"' in body and "xterm" not in body
    for path in PROTECTED:
        response = await c.get(path)
        assert response.status == 401, path
        assert "not logged in" in await response.text()
    ws = await c.get("/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13"})
    assert ws.status == 401


async def test_token_link_then_name_then_the_app(make_client):
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    wrong = await c.get(f"/?token={TOKEN[:-1]}x")
    assert wrong.status == 401 and not c.cookie
    link = await c.get(f"/?token={TOKEN}")
    assert link.status == 303 and link.headers["Location"] == "/"  # the token leaves the address bar
    set_cookie = link.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and TOKEN not in set_cookie
    for path in PROTECTED[:2]:  # a token alone is not a login yet: the name is missing
        assert (await c.get(path)).status == 401
    ask = await c.get("/")
    assert ask.status == 200 and 'name="name"' in await ask.text() and 'name="token"' not in await ask.text()
    bad = await c.post("/login", {"name": "evil\u202e"})
    assert bad.status == 400 and "bidirectional" in await bad.text()
    ok = await c.post("/login", {"name": "Ana & María's"})
    assert ok.status == 303
    app = await c.get("/")
    html = await app.text()
    assert app.status == 200 and "Ana &amp; María&#x27;s" in html and "Ana & María's" not in html
    assert (await c.get("/static/js/textual.js")).status == 200
    assert (await c.get("/static/")).status in (403, 404)  # no directory listing
    csp = app.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert f"connect-src 'self' ws://{c.client.host}:{c.client.port} wss://" in csp
    assert app.headers["X-Frame-Options"] == "DENY" and app.headers["Cache-Control"] == "no-store"
    assert "fonts.googleapis" not in html  # nothing loads from third parties
    logout = await c.get("/logout", headers={"Sec-Fetch-Site": "same-origin"})  # the app page's link
    assert logout.status == 303
    assert (await c.get("/static/js/textual.js")).status == 401


async def test_login_form_with_token_and_name(make_client):
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    refused = await c.post("/login", {"token": "x" * 30, "name": "ana"})
    assert refused.status == 401 and not c.cookie
    ok = await c.post("/login", {"token": TOKEN, "name": "ana"})
    assert ok.status == 303 and (await c.get("/static/js/textual.js")).status == 200


async def test_users_file_names_come_with_the_token_and_cannot_be_spoofed(make_client, tmp_path):
    users = write_users(tmp_path / "desk.toml", f'[users]\nalice = "{ALICE}"\nbob = "{BOB}"\n')
    c = await make_client(resolve_access("0.0.0.0", None, users))
    assert 'name="name"' not in await (await c.get("/")).text()  # no name to choose
    ok = await c.post("/login", {"token": BOB, "name": "alice"})
    assert ok.status == 303
    assert "newsreview — bob —" in await (await c.get("/")).text()
    again = await c.post("/login", {"name": "mallory"})  # a session is no way around the token
    assert again.status == 401
    assert "newsreview — bob —" in await (await c.get("/")).text()
    switch = await c.post("/login", {"token": ALICE})
    assert switch.status == 303 and "newsreview — alice —" in await (await c.get("/")).text()
    other = await make_client(resolve_access("0.0.0.0", None, users))
    await other.get(f"/?token={ALICE}")
    assert "newsreview — alice —" in await (await other.get("/")).text()
    assert "alice logged in" in other.server.out.getvalue() and ALICE not in other.server.out.getvalue()


async def test_open_loopback_mode_asks_only_for_a_name_and_refuses_other_hosts(make_client):
    c = await make_client(resolve_access("127.0.0.1", None, None))
    page = await c.get("/")
    assert page.status == 200 and 'name="token"' not in await page.text()
    assert (await c.post("/login", {"name": "ana"})).status == 303
    assert (await c.get("/static/js/textual.js")).status == 200
    # DNS rebinding: a page on another name that resolves to 127.0.0.1 is refused, cookie or not.
    for path in ("/", "/static/js/textual.js", "/ws"):
        assert (await c.get(path, headers={"Host": "attacker.example:8000"})).status == 403, path
    assert (await c.get("/", headers={"Host": "localhost:9000"})).status == 200  # an SSH tunnel's port


async def test_cross_site_login_and_websocket_are_refused(make_client):
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    evil = {"Origin": "http://attacker.example"}
    assert (await c.post("/login", {"token": TOKEN, "name": "ana"}, headers=evil)).status == 403
    assert not c.cookie
    assert (await c.post("/login", {"token": TOKEN, "name": "ana"})).status == 303
    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13"}
    upgrade["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ=="
    ws = await c.get("/ws", headers={**upgrade, **evil})
    assert ws.status == 403
    # the log says what did not match (QA: behind a TLS proxy every login failed, the log silent)
    assert "Origin http://attacker.example is not this server's Host" in c.server.out.getvalue()


async def test_a_header_no_url_can_be_read_from_is_refused_not_a_server_error(make_client):
    """QA (serve): a bracketed host that is no address — "Origin: http://[x]", a Referer like it, or
    "Host: [x]" on a server without tokens — made urlsplit raise: a 500 and a traceback in the log,
    for anyone who could reach the port."""
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    bad = {"Origin": "http://[x]"}
    assert (await c.post("/login", {"token": TOKEN, "name": "ana"}, headers=bad)).status == 403
    page = await c.get(f"/?token={TOKEN}", headers={"Referer": "http://[bold red]/"})
    assert page.status == 200 and "Another site sent you" in await page.text()
    opened = await make_client(resolve_access("127.0.0.1", None, None))
    assert (await opened.get("/", headers={"Host": "[x]"})).status == 403
    for log in (c.server.out.getvalue(), opened.server.out.getvalue()):
        assert "Traceback" not in log and "Error handling request" not in log


async def test_failed_tokens_are_throttled_and_never_logged(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    guesses = [f"guess-{i:02d}-0123456789abcdef" for i in range(web.FAILED_LOGINS)]
    for guess in guesses:
        assert (await c.get(f"/?token={guess}")).status == 401
    assert (await c.get(f"/?token={TOKEN}")).status == 429  # even the right one, for a minute
    assert (await c.post("/login", {"token": TOKEN, "name": "x"})).status == 429
    logged = c.server.out.getvalue() + caplog.text
    assert "refused a login" in logged
    assert all(g not in logged for g in guesses) and TOKEN not in logged


# A stand-in for the tab process: speaks textual-serve's protocol, sends back its argv, quits when told.
FAKE_TAB = (
    "import json, sys\n"
    "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\n"
    "data = json.dumps(sys.argv[1:]).encode()\n"
    "sys.stdout.buffer.write(b'D' + len(data).to_bytes(4, 'big') + data); sys.stdout.flush()\n"
    "sys.stdin.buffer.read(1)  # the quit message\n"
)


def fake_tab(reviewer: str) -> list[str]:
    return [sys.executable, "-c", FAKE_TAB, *tab_argv(Path("store"), reviewer)[1:]]


async def wait_no_tabs(server: Any) -> None:
    for _ in range(200):
        if not server.tabs:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(server.tabs)} tab processes still running")


async def test_websocket_starts_one_process_with_the_reviewer_as_one_argv_element(make_client):
    """The tab command is exec'd (no shell): a name full of shell syntax arrives as one argument."""
    name = "Ann $(touch pwned); `id` & cat"
    c = await make_client(resolve_access("127.0.0.1", None, None), tab_command=fake_tab)
    assert (await c.post("/login", {"name": name})).status == 303
    ws = await c.client.ws_connect("/ws?width=100&height=30", headers={"Cookie": c.cookie})
    message = await asyncio.wait_for(ws.receive(), 10)
    argv = json.loads(message.data)
    assert argv[-1] == name and argv[-2] == "store"
    assert "tab opened for" in c.server.out.getvalue()
    await ws.close()
    await wait_no_tabs(c.server)
    assert "tab closed for" in c.server.out.getvalue()
    assert not Path("pwned").exists() and not (ROOT / "pwned").exists()


async def test_tabs_are_limited(make_client):
    c = await make_client(resolve_access("127.0.0.1", None, None), max_tabs=1, tab_command=fake_tab)
    assert (await c.post("/login", {"name": "ana"})).status == 303
    first = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    assert json.loads((await asyncio.wait_for(first.receive(), 10)).data)[-1] == "ana"
    ana = c.cookie
    c.cookie = ""
    assert (await c.post("/login", {"name": "ben"})).status == 303  # another reviewer (one's own: refused)
    second = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    message = await asyncio.wait_for(second.receive(), 10)
    assert b"the most this server allows" in message.data
    # the refused tab stays open with its message (QA) — and ends with the session, like a tab (review)
    assert c.server.refused
    assert (await c.get("/logout", headers={"Sec-Fetch-Site": "same-origin"})).status == 303
    c.cookie = ana
    assert (await c.get("/logout", headers={"Sec-Fetch-Site": "same-origin"})).status == 303
    for ws in (first, second):
        closed = await asyncio.wait_for(ws.receive(), 10)
        assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    await first.close()
    await second.close()
    await wait_no_tabs(c.server)
    for _ in range(100):
        if not c.server.refused:
            break
        await asyncio.sleep(0.05)
    assert not c.server.refused and not c.server.sockets


async def test_a_second_tab_of_one_reviewer_is_refused_without_a_process_but_a_reload_opens(make_client):
    """QA: a second tab of one reviewer started a process only for the store's lock to refuse it, and
    held one of --max-tabs' slots while its message was shown. The server refuses it itself; a reload
    (the old page's tab still stopping when the new page connects) waits for the old tab instead."""
    c = await make_client(resolve_access("127.0.0.1", None, None), max_tabs=2, tab_command=fake_tab)
    assert (await c.post("/login", {"name": "ana"})).status == 303
    first = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    assert json.loads((await asyncio.wait_for(first.receive(), 10)).data)[-1] == "ana"
    second = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    message = await asyncio.wait_for(second.receive(), 10)
    assert b"reviewer 'ana' already has a tab open on this server" in message.data
    assert len(c.server.tabs) == 1 and c.server.refused  # no process for it
    await second.close()
    await first.close()  # a reload: the new page connects while the old tab is being stopped
    third = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    assert json.loads((await asyncio.wait_for(third.receive(), 15)).data)[-1] == "ana"
    assert len(c.server.tabs) == 1
    await third.close()
    await wait_no_tabs(c.server)


# -- the served app (Pilot) -------------------------------------------------------------------------


@pytest.fixture
def small_store(tmp_path):
    ex = make_extraction("Ben Wallace said Russia lost troops.", [("Ben Wallace", "PERSON"), ("Russia", "GPE")])
    with ReviewStore.open(tmp_path / "store", write=True, reviewer="ana") as store:
        store.add_article(ex)
    return tmp_path / "store", ex


async def test_served_app_refuses_adding_files_from_the_server(small_store, tmp_path):
    path, ex = small_store
    with ReviewStore.open(path, write=True, reviewer="ana") as store:
        app = served_app(store, config=tmp_path / "cfg")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("plus")
            await pilot.pause()
            assert type(app.screen).__name__ == "ReviewScreen"  # no path prompt
            assert any(n.message == ADD_REFUSED for n in app._notifications)
            await pilot.press("a")
            assert store.candidate(ex.article.id, ex.entities[0]["id"])["status"] == "accepted"
        allowed = served_app(store, config=tmp_path / "cfg", allow_add=True)
        async with allowed.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("plus")
            await pilot.pause()
            assert type(allowed.screen).__name__ == "PathPrompt"


async def test_a_tab_that_cannot_open_the_store_says_why():
    from textual.widgets import Static

    from tui.serve.tab import message_app

    app = message_app("newsreview cannot open the store", "/s is open for writing by \x1b]52;c;evil\x07 bob")
    async with app.run_test(size=(100, 20)) as pilot:
        shown = str(app.query_one(Static).render())
        assert "cannot open the store" in shown and "open for writing by" in shown
        assert "\x1b" not in shown and "␛" in shown  # the escape is shown, not sent to the terminal
        await pilot.press("q")
    assert app.return_code == 0


@pytest.fixture
def tab_messages(monkeypatch):
    """The tab's message screens, as (title, message), instead of shown: (tab module, the list)."""
    from tui.serve import tab

    shown: list[tuple[str, str]] = []

    class Shown:
        def __init__(self, title: str, message: str) -> None:
            shown.append((title, message))

        def run(self) -> None:
            pass

    monkeypatch.setattr(tab, "message_app", Shown)
    return tab, shown


def test_a_second_tab_of_a_reviewer_is_told_what_to_do_in_a_browser(small_store, tab_messages):
    """QA: a second tab of the same reviewer was told "…or review under another --reviewer name": a
    browser has no such option (and with --users the name cannot change)."""
    tab, shown = tab_messages
    path, _ = small_store
    with ReviewStore.open(path, write=True, reviewer="alice"):
        assert tab.main(["--", str(path), "alice"]) == 1
    ((title, message),) = shown
    assert "cannot open the store" in title and "reviewer 'alice' already has" in message
    assert "--reviewer" not in message and "reload this page" in message


def test_a_tab_on_a_store_gone_since_the_server_started_makes_none(tmp_path, tab_messages):
    """QA: with the store's folder moved away while serving, the next tab made a new empty store
    there; serve refuses a missing store at its start, and a tab now does too."""
    tab, shown = tab_messages
    gone = tmp_path / "store"
    assert tab.main(["--", str(gone), "dave"]) == 1
    ((title, message),) = shown
    assert "cannot open the store" in title and f"no store at {gone} yet" in message
    assert not gone.exists()


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"], ["export", "--help"], ["serve", "--help"]])
def test_other_commands_never_import_the_serve_package(args):
    code = (
        f"import sys\nfrom tui import lifecycle as cli\nsys.argv = ['newsreview', *{args!r}]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = set(out.stdout.splitlines()[-1].split())
    assert not {m for m in loaded if m.startswith("tui.serve") or m.split(".")[0] in ("aiohttp", "textual_serve")}


def test_light_commands_and_the_tab_never_import_the_web_server():
    code = (
        "import sys\nfrom tui import lifecycle as cli\nsys.argv = ['newsreview', 'serve', '--help']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "import tui.serve, tui.serve.tab\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    mods = set(out.stdout.split())
    assert not mods & {"aiohttp", "textual_serve", "textual", "spacy", "jinja2"}, mods


def test_serve_refuses_a_missing_store_and_a_short_token(tmp_path, cli):
    missing = cli("serve", "--store", str(tmp_path / "nowhere"), "--port", "0", check=1, timeout=60)
    assert "no store at" in missing.stderr and "Traceback" not in missing.stderr
    short = cli("serve", "--token", "abc", "--port", "0", check=1, timeout=60)
    assert "at least 16" in short.stderr and "abc" not in short.stderr.replace("--token", "")
    # QA: --host "" listened on every interface and printed "http://:PORT/"
    empty = cli("serve", "--host", " ", "--port", "0", check=2, timeout=60)
    assert "--host: give an address" in empty.stderr and "Traceback" not in empty.stderr
    # QA: NEWSREVIEW_TOKEN with --users said "--token and --users exclude each other", no --token given
    users = tmp_path / "desk.toml"
    users.write_text('[users]\nalice = "alice-token-0123456789"\n')
    cli.env["NEWSREVIEW_TOKEN"] = "env-token-0123456789abc"
    both = cli("serve", "--users", str(users), "--port", "0", check=2, timeout=60)
    assert "NEWSREVIEW_TOKEN is set" in both.stderr and "env-token" not in both.stderr


# -- what a QA run of the browser server found (stop 34) -----------------------------------------------


def test_websocket_messages_are_checked_and_sizes_clamped():
    """QA: ["resize", {"width": 30000, "height": 30000}] grew the tab's process 100 MB a second; a
    negative or non-numeric size crashed it, its traceback in the server's output."""
    assert web.client_message('["resize", {"width": 30000, "height": 30000}]') == ("resize", (500, 250))
    assert web.client_message('["resize", {"width": -5, "height": 3}]') == ("resize", (10, 10))
    assert web.client_message('["resize", {"width": 120, "height": 40}]') == ("resize", (120, 40))
    assert web.client_message('["stdin", "a"]') == ("stdin", "a")
    assert web.client_message('["ping", "x"]') == ("ping", "x")
    assert web.client_message('["focus"]') == ("focus", None)
    assert web.client_message('["something", 1]') == ("other", None)
    for junk in (
        '["resize", {"width": "x", "height": 3}]',
        '["resize", {"width": true, "height": 3}]',
        '["resize", 5]',
        '["stdin", 5]',
        '["stdin"]',
        "{{{",
        '{"a": 1}',
        "[]",
        "[5]",
    ):
        with pytest.raises(web.BadMessage):
            web.client_message(junk)


async def test_a_request_it_cannot_read_is_logged_without_the_token(make_client, caplog):
    """QA: aiohttp logged a request line it could not parse (an overlong URL, HTTP/9.9, a NUL) with a
    traceback quoting it — ``?token=…`` included. One line now, naming the error, nothing of the request."""
    caplog.set_level(logging.DEBUG)
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    for line in (
        f"GET /?token={TOKEN} HTTP/9.9",
        f"GET /?token={TOKEN}\x00 HTTP/1.1",
        f"GET /?token={TOKEN}&p={'a' * 9000} HTTP/1.1",
    ):
        reader, writer = await asyncio.open_connection(c.client.host, c.client.port)
        writer.write(f"{line}\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1"))
        await writer.drain()
        status = (await asyncio.wait_for(reader.read(200), 5)).split(b"\r\n")[0]
        assert status.startswith(b"HTTP/1.") and status.split(b" ")[1].startswith(b"4"), status
        writer.close()
    await asyncio.sleep(0.1)
    logged = caplog.text + c.server.out.getvalue()
    assert "could not read" in logged and TOKEN not in logged and "Traceback" not in logged


async def test_a_token_link_from_another_site_asks_first(make_client, tmp_path):
    """QA (login CSRF): another site's page sent a logged-in analyst to /?token=<its own valid token>
    and switched them to that name. From another site the link shows the login form, filled in, saying
    whose it is; only the analyst's click (a same-origin post) logs in."""
    users = tmp_path / "desk.toml"
    users.write_text('[users]\nalice = "alice-token-0123456789"\nMallory = "mallory-token-0123456789"\n')
    users.chmod(0o600)
    c = await make_client(resolve_access("127.0.0.1", None, users))
    assert (await c.get("/?token=alice-token-0123456789", headers={"Sec-Fetch-Site": "none"})).status == 303
    alice = c.cookie
    page = await c.get("/?token=mallory-token-0123456789", headers={"Sec-Fetch-Site": "cross-site"})
    body = await page.text()
    assert page.status == 200 and "Set-Cookie" not in page.headers and c.cookie == alice
    assert "Another site sent you" in body and 'value="mallory-token-0123456789"' in body
    # the token leaves the address bar and the history (an inline script the page's CSP allows)
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">history.replaceState(null, "", "/");</script>' in body
    assert "newsreview — alice" in await (await c.get("/")).text()  # still alice
    # plain HTTP off loopback: browsers send no Sec-Fetch-Site there (the review): a Referer of another
    # host says it, and with nothing at all, a browser logged in already is asked too
    for headers in ({"Referer": "http://attacker.example/x"}, {}):
        page = await c.get("/?token=mallory-token-0123456789", headers=headers)
        assert page.status == 200 and "Another site sent you" in await page.text() and c.cookie == alice
    # the token is not checked there: no answer to learn from, no failure counted
    for i in range(web.FAILED_LOGINS + 1):
        await c.get(f"/?token=guess-{i:03d}-0123456789", headers={"Sec-Fetch-Site": "cross-site"})
    assert not c.server.throttled()
    assert (await c.post("/login", {"token": "mallory-token-0123456789"})).status == 303  # her click: fine
    assert "newsreview — Mallory" in await (await c.get("/")).text()


async def test_logout_from_another_site_asks_and_logout_ends_the_open_tabs(make_client):
    """QA: any site could log an analyst out; and a tab stayed live after /logout (or the session's
    expiry), still recording decisions under the name."""
    c = await make_client(resolve_access("127.0.0.1", None, None), tab_command=fake_tab)
    assert (await c.post("/login", {"name": "ana"})).status == 303
    cross = await c.get("/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status == 200 and 'action="/logout"' in await cross.text()
    evil = await c.request("POST", "/logout", headers={"Origin": "http://attacker.example"})
    assert evil.status == 200
    ws = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    assert json.loads((await asyncio.wait_for(ws.receive(), 10)).data)[-1] == "ana"  # still logged in
    assert (await c.get("/logout", headers={"Sec-Fetch-Site": "same-origin"})).status == 303
    closed = await asyncio.wait_for(ws.receive(), 10)
    assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    await wait_no_tabs(c.server)
    # a session that expires ends its tabs too
    c.cookie = ""
    assert (await c.post("/login", {"name": "bo"})).status == 303
    (session,) = [s for s in c.server.sessions.values() if s.reviewer == "bo"]
    session.expires = time.time() + 1.0
    ws = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    assert json.loads((await asyncio.wait_for(ws.receive(), 10)).data)[-1] == "bo"
    closed = await asyncio.wait_for(ws.receive(), 10)
    assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    await wait_no_tabs(c.server)


async def test_a_second_login_by_link_ends_the_first_session_s_tabs(make_client):
    """QA (browser): a login by `?token=` link in a browser already logged in kept the first session;
    its tab, whose cookie was replaced, outlived /logout and kept recording as that reviewer."""
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None), tab_command=fake_tab)
    assert (await c.get(f"/?token={TOKEN}")).status == 303
    assert (await c.post("/login", {"name": "ana"})).status == 303
    ws = await c.client.ws_connect("/ws", headers={"Cookie": c.cookie})
    assert json.loads((await asyncio.wait_for(ws.receive(), 10)).data)[-1] == "ana"
    assert (await c.get(f"/?token={TOKEN}", headers={"Sec-Fetch-Site": "none"})).status == 303
    closed = await asyncio.wait_for(ws.receive(), 10)
    assert closed.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    await wait_no_tabs(c.server)
    assert len(c.server.sessions) == 1


async def test_a_login_form_that_cannot_be_read_is_a_400_not_a_traceback(make_client):
    """QA: a form body that is not UTF-8, or names an unknown charset, gave a 500 and a traceback."""
    c = await make_client(resolve_access("127.0.0.1", TOKEN, None))
    for body, kind in (
        (b"token=\xff", "application/x-www-form-urlencoded"),
        (b"name=bob", "application/x-www-form-urlencoded; charset=bogus"),
    ):
        answer = await c.request("POST", "/login", data=body, headers={"Origin": c.origin, "Content-Type": kind})
        assert answer.status == 400 and "cannot read" in await answer.text()
    log = c.server.config.out.getvalue()
    assert "Traceback" not in log and log.count("cannot be read") == 2


async def test_sessions_are_bounded(make_client, monkeypatch):
    """QA: in open mode every login post made a session kept for 12 hours (20,000 posts: 6.6 MB);
    beyond MAX_SESSIONS the oldest without an open tab go."""
    monkeypatch.setattr(web, "MAX_SESSIONS", 5)
    c = await make_client(resolve_access("127.0.0.1", None, None))
    for i in range(12):
        c.cookie = ""
        assert (await c.post("/login", {"name": f"user{i}"})).status == 303
    assert len(c.server.sessions) <= 5
    assert "user11" in await (await c.get("/")).text()  # the newest still logged in


# -- in a real browser ------------------------------------------------------------------------------------

CHROMIUM = chromium_path()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def sample_store(tmp_path, sample_extraction):
    path = tmp_path / "store"
    with ReviewStore.open(path, write=True, reviewer="setup") as store:
        store.add_article(sample_extraction)
    return path, sample_extraction


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"NEWSREVIEW_CONFIG_DIR": str(tmp_path / "cfg"), **extra}


#: the sample article's first row: the group of its two "UK" mentions (a decides both)
FIRST_GROUP = 2


def entity_ids(ex: Any) -> list[str]:
    return [c["id"] for c in sorted(ex.entities, key=lambda c: (c["start"], c["end"], c["id"]))]


@pytest.mark.slow
def test_review_in_a_browser_a_x_u(browser, sample_store, tmp_path):
    path, ex = sample_store
    aid = ex.article.id
    total = len(ex.entities) + len(ex.claims)
    name = "Ann $(touch pwned) O'Brien; `id`"
    with Served(path, env=env_for(tmp_path, NEWSREVIEW_TOKEN=TOKEN)) as served:
        page = new_page(browser)
        # QA (browser): the page's first "focus" went to a socket not yet open, a console error
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        login(page, served.url, token=TOKEN, name=name)
        assert page.evaluate("() => document.activeElement.className") == "xterm-helper-textarea"  # focused
        wait_stream(page, "decided here")
        wait_stream(page, "set to give Iran")  # the article is on screen
        first = entity_ids(ex)[0]
        second = next(c["id"] for c in ex.entities if c["text"] == "UK" and c["id"] != first)
        press(page, "ArrowRight", "▾")  # open the group of the two "UK" mentions
        press(page, "j", "mention 1 of 2")
        press(page, "a", f"1/{total} decided here")
        assert ReviewStore.open(path).candidate(aid, first)["status"] == "accepted"
        press(page, "x", f"2/{total} decided here")
        assert ReviewStore.open(path).candidate(aid, second)["status"] == "rejected"
        press(page, "u", f"1/{total} decided here")
        with ReviewStore.open(path) as store:
            assert store.candidate(aid, first)["status"] == "accepted"
            assert store.candidate(aid, second)["status"] == "pending"
            assert store.candidate(aid, first)["reviewer"] == name  # exactly the login's name
        assert not (ROOT / "pwned").exists() and not (tmp_path / "pwned").exists()
        assert errors == [], errors
        press(page, "q", "")  # quit: the page says the session ended, the tab's process exits
        page.wait_for_selector("body.-closed", timeout=20_000)
        wait_tabs_gone(served)
        for key in "aj":  # QA (stop 50): each key on the ended page was a console error
            page.keyboard.press(key)
        page.wait_for_timeout(300)
        assert errors == [], errors
        page.context.close()
    assert TOKEN not in served.output and "tab closed for" in served.output
    assert "Traceback" not in served.output and "Unknown child" not in served.output


@pytest.mark.slow
def test_a_tab_ended_by_the_server_says_why(browser, sample_store, tmp_path):
    """QA (browser): a tab ended by a logout elsewhere (or its session's expiry) said only "This
    review session has ended", the reason the server sent unseen."""
    path, _ = sample_store
    with Served(path, env=env_for(tmp_path, NEWSREVIEW_TOKEN=TOKEN)) as served:
        page = new_page(browser)
        login(page, served.url, token=TOKEN, name="ana")
        wait_stream(page, "decided here")
        other = page.context.new_page()
        other.goto(served.url + "logout")  # the same browser, another tab: typed into the address bar
        page.wait_for_selector("body.-closed", timeout=20_000)
        assert "ended: logged out" in page.inner_text("#ended-why")
        wait_tabs_gone(served)
        page.context.close()


@pytest.mark.slow
def test_a_token_link_the_server_asks_about_leaves_the_address_bar(browser, sample_store, tmp_path):
    """A token link answered with the login form (a wrong token; another site's link, which asks
    first) no longer keeps the token in the address bar and the browser's history."""
    path, _ = sample_store
    with Served(path, env=env_for(tmp_path, NEWSREVIEW_TOKEN=TOKEN)) as served:
        page = new_page(browser)
        page.goto(served.url + "?token=not-the-token-0123456789")
        assert "not valid" in page.content() and page.url == served.url
        page.goto("about:blank")  # a page of another origin links to the server with the token
        page.set_content(f'<a id="go" href="{served.url}?token={TOKEN}">review</a>')
        page.click("#go")
        page.wait_for_load_state()
        assert "Another site sent you" in page.content() and page.url == served.url
        assert TOKEN not in page.evaluate("() => location.href + document.referrer")
        page.fill('input[name="name"]', "ann")
        page.click("button[type=submit]")  # the analyst's own click logs in with the filled-in token
        wait_stream(page, "decided here")
        page.context.close()
    assert TOKEN not in served.output


@pytest.mark.slow
def test_browser_keys_ctrl_p_tab_slash_backspace(browser, sample_store, tmp_path):
    """The keys a browser might take for itself reach the review screen; each is checked on the store."""
    path, ex = sample_store
    aid = ex.article.id
    total = len(ex.entities) + len(ex.claims)
    with Served(path, env=env_for(tmp_path)) as served:
        page = new_page(browser)
        login(page, served.url, name="keys")
        wait_stream(page, "decided here")
        # tab: to Claims; a accepts the most check-worthy claim
        press(page, "Tab", "Claims")
        press(page, "a", f"1/{total} decided here")
        with ReviewStore.open(path) as store:
            decided = [c for c in store.candidates(aid) if c["status"] != "pending"]
        assert [c["kind"] for c in decided] == ["claim"]
        # backspace: undo
        press(page, "Backspace", f"0/{total} decided here")
        with ReviewStore.open(path) as store:
            assert all(c["status"] == "pending" for c in store.candidates(aid))
        # slash: the filter box; only PERSON entities remain, a accepts one
        press(page, "Tab", "Entities")
        press(page, "/", "filter")
        page.keyboard.type("label:PERSON")
        press(page, "Enter", "label:PERSON")
        press(page, "ArrowRight", "▾")  # open the first PERSON group, decide one mention of it
        press(page, "j", "mention 1 of")
        press(page, "a", f"1/{total} decided here")
        with ReviewStore.open(path) as store:
            (decided_one,) = [c for c in store.candidates(aid) if c["status"] != "pending"]
        assert decided_one["label"] == "PERSON" and decided_one["status"] == "accepted"
        # ctrl+p: the command palette opens (the browser does not print), escape closes it
        mark = stream_mark(page)
        page.keyboard.press("Control+p")
        wait_stream(page, "Search for commands", mark)
        # escape closes it (the review screen under it is redrawn); as in a terminal, a key within
        # Textual's escape delay (0.1 s) after escape would be read as alt+key
        press(page, "Escape", f"1/{total} decided here")
        # the status line may be redrawn (the live view's look at the store) while the palette is
        # still open: give the escape its delay before the next key, as a person's hand would
        page.wait_for_timeout(400)
        press(page, "x", f"2/{total} decided here")  # keys reach the review screen again
        with ReviewStore.open(path) as store:
            statuses = sorted(c["status"] for c in store.candidates(aid) if c["status"] != "pending")
        assert statuses == ["accepted", "rejected"]
    wait_tabs_gone(served, timeout=10)  # stopping the server ended the tab it still had open
    page.context.close()


@pytest.mark.slow
def test_command_palette_runs_a_review_action_in_the_browser(browser, sample_store, tmp_path):
    path, ex = sample_store
    total = len(ex.entities) + len(ex.claims)
    with Served(path, env=env_for(tmp_path)) as served:
        page = new_page(browser)
        login(page, served.url, name="palette")
        wait_stream(page, "decided here")
        mark = stream_mark(page)
        page.keyboard.press("Control+p")
        wait_stream(page, "Search for commands", mark)
        page.keyboard.type("reject")
        time.sleep(0.5)  # the palette searches in a worker
        page.keyboard.press("ArrowDown")  # highlight the best hit, then run it
        try:
            press(page, "Enter", f"{FIRST_GROUP}/{total} decided here", timeout=5)  # the first row: a group
        finally:
            page.context.close()
    with ReviewStore.open(path) as store:
        decided = [c["status"] for c in store.candidates(ex.article.id) if c["status"] != "pending"]
    assert decided == ["rejected"] * FIRST_GROUP


@pytest.mark.slow
def test_request_without_the_token_is_refused(browser, sample_store, tmp_path):
    path, _ = sample_store
    with Served(path, env=env_for(tmp_path, NEWSREVIEW_TOKEN=TOKEN)) as served:
        for route in ("ws", "static/js/textual.js", "download/x", f"?token={TOKEN[:-1]}x"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(served.url + route, timeout=10)
            assert err.value.code == 401, route
        page = new_page(browser)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        response = page.goto(served.url)
        assert response.status == 200 and errors == []  # the login form (QA: its 401 was a console error)
        assert page.locator("input[name=token]").count() == 1 and page.locator(".xterm").count() == 0
        page.fill("input[name=token]", "not-the-token-0123456789")
        page.fill("input[name=name]", "mallory")
        page.click("button[type=submit]")
        assert page.locator("p.error").inner_text() == "That token is not valid."
        assert page.evaluate("() => window.__nr.sockets") == 0  # no websocket was ever opened
        page.context.close()
    assert TOKEN not in served.output and "refused a login" in served.output


@pytest.mark.slow
def test_two_tabs_two_reviewers_on_separate_stores(browser, tmp_path, sample_extraction):
    """One browser, two tabs on two servers (cookies of one host, kept apart), a reviewer each."""
    stores = []
    for who in ("alice", "bob"):
        path = tmp_path / who
        with ReviewStore.open(path, write=True, reviewer="setup") as store:
            store.add_article(sample_extraction)
        stores.append(path)
    total = len(sample_extraction.entities) + len(sample_extraction.claims)
    with Served(stores[0], env=env_for(tmp_path)) as a, Served(stores[1], env=env_for(tmp_path)) as b:
        context = new_page(browser).context
        pages = [context.pages[0], context.new_page()]
        login(pages[0], a.url, name="alice")
        login(pages[1], b.url, name="bob")
        for page in pages:
            wait_stream(page, f"0/{total} decided here")
        press(pages[1], "x", f"{FIRST_GROUP}/{total} decided here")
        press(pages[0], "a", f"{FIRST_GROUP}/{total} decided here")
        rows = ((stores[0], "alice", ["accepted"] * FIRST_GROUP), (stores[1], "bob", ["rejected"] * FIRST_GROUP))
        for path, reviewer, expected in rows:
            with ReviewStore.open(path) as store:
                decided = [c for c in store.candidates(sample_extraction.article.id) if c["status"] != "pending"]
            assert [c["status"] for c in decided] == expected
            assert {c["reviewer"] for c in decided} == {reviewer}
        context.close()


@pytest.mark.slow
def test_a_second_tab_of_the_same_reviewer_says_why_it_cannot_open(browser, sample_store, tmp_path):
    path, _ = sample_store
    with Served(path, env=env_for(tmp_path)) as served:
        first, second = new_page(browser), new_page(browser)
        login(first, served.url, name="alice")
        wait_stream(first, "decided here")
        login(second, served.url, name="alice")
        wait_stream(second, "cannot open the store")
        wait_stream(second, "reviewer 'alice' already has")
        press(first, "a", f"{FIRST_GROUP}/")  # the first tab is unaffected
        for page in (first, second):
            page.context.close()
    with ReviewStore.open(path) as store:
        assert store.totals()[0] == FIRST_GROUP


@pytest.mark.slow
def test_two_reviewers_in_two_tabs_on_one_store(browser, sample_store, tmp_path):
    """The desk: alice and bob in their own tabs on one store, each deciding; both are recorded."""
    path, ex = sample_store
    users = write_users(tmp_path / "desk.toml", f'[users]\nalice = "{ALICE}"\nbob = "{BOB}"\n')
    with Served(path, "--users", str(users), env=env_for(tmp_path)) as served:
        pages = [new_page(browser), new_page(browser)]  # separate contexts: separate logins
        for page, token in zip(pages, (ALICE, BOB), strict=True):
            login(page, served.url, token=token)
        for page in pages:
            page.wait_for_function("() => /decided here|cannot open the store/.test(window.__nr.text)", timeout=30_000)
            assert "decided here" in page.evaluate("() => window.__nr.text"), "a second reviewer was refused"
        # (what the decision says on the top line: with the desk's "with …" and this message there, the
        # counters take their short words, without "decided here")
        press(pages[0], "a", "accepted")
        press(pages[1], "x", "rejected")
        for page in pages:
            page.context.close()
        wait_tabs_gone(served)
    with ReviewStore.open(path) as store:
        aid = ex.article.id
        # both start on the same first candidate: the store keeps each reviewer's decision
        decisions = [h for c in store.candidates(aid) for h in store.history(aid, c["id"])]
    want = [("alice", "accept")] * FIRST_GROUP + [("bob", "reject")] * FIRST_GROUP  # the first row: a group
    assert sorted((d["reviewer"], d["action"]) for d in decisions) == want


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_options_are_checked(tmp_path, filled_store):
    from tui.serve import tls_context

    with pytest.raises(ServeError, match="go together"):
        tls_context(tmp_path / "cert.pem", None)
    # QA: "None: no such file"; a missing key beside a good certificate was "not a PEM certificate"
    with pytest.raises(ServeError, match=f"^{tmp_path / 'cert.pem'}: No such file"):
        tls_context(tmp_path / "cert.pem", tmp_path / "key.pem")
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(ServeError, match=f"^{tmp_path / 'key.pem'}: No such file"):
        tls_context(tmp_path / "junk.pem", tmp_path / "key.pem")
    with pytest.raises(ServeError, match="not a PEM certificate"):
        tls_context(tmp_path / "junk.pem", tmp_path / "junk.pem")
    os.mkfifo(tmp_path / "fifo")  # QA: read for good, the server never started nor said why
    with pytest.raises(ServeError, match="fifo: not a regular file"):
        tls_context(tmp_path / "fifo", tmp_path / "junk.pem")
    with pytest.raises(ServeError, match="fifo: not a regular file"):
        load_users(tmp_path / "fifo")
    (tmp_path / "latin.toml").write_bytes(b'[users]\nalice = "caf\xe9"\n')
    with pytest.raises(ServeError, match=r"latin.toml: not UTF-8 \(byte 0xe9 at offset 20\)"):
        load_users(tmp_path / "latin.toml")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed: no certificate to test with")
def test_https_with_a_certificate(browser, sample_store, tmp_path):
    """--tls-cert/--tls-key: HTTPS, a Secure cookie, and the page's websocket over wss."""
    import http.client
    import ssl

    path, ex = sample_store
    cert, key = self_signed(tmp_path)
    total = len(ex.entities) + len(ex.claims)
    args = ("--tls-cert", str(cert), "--tls-key", str(key))
    with Served(path, *args, env=env_for(tmp_path, NEWSREVIEW_TOKEN=TOKEN)) as served:
        assert served.url.startswith("https://127.0.0.1:")
        host, port = served.url.split("//")[1].rstrip("/").split(":")
        trust = ssl.create_default_context(cafile=str(cert))
        connection = http.client.HTTPSConnection(host, int(port), context=trust, timeout=10)
        connection.request("GET", "/static/js/textual.js")
        refused = connection.getresponse()
        assert refused.status == 401 and refused.read()
        connection.request("GET", f"/?token={TOKEN}")
        response = connection.getresponse()
        response.read()
        assert response.status == 303 and "Secure" in response.headers["Set-Cookie"]
        connection.close()
        page = new_page(browser, ignore_https_errors=True)
        login(page, served.url, token=TOKEN, name="tls")
        wait_stream(page, f"0/{total} decided here")
        press(page, "a", f"{FIRST_GROUP}/{total} decided here")
        page.context.close()
    with ReviewStore.open(path) as store:
        assert store.totals()[0] == FIRST_GROUP
    assert "plain HTTP" not in served.output


def test_a_generated_token_is_printed_once_and_required(filled_store):
    """Off loopback without --token: a token is generated, printed once in a link, and required.
    (Served on 127.0.0.1 here, with the access a --host 0.0.0.0 run resolves to.)"""
    import http.client
    import re
    import signal

    path, _ = filled_store
    code = (
        "import sys\nfrom pathlib import Path\nfrom tui.serve import resolve_access, web\n"
        "access = resolve_access('0.0.0.0', None, None)\n"
        f"web.run(web.ServeConfig(store=Path({str(path)!r}), host='127.0.0.1', port=0, access=access))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT
    )
    try:
        lines = []
        assert proc.stdout is not None
        while not any("stop with ctrl+c" in line for line in lines):
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        link = re.search(r"open (http://127\.0\.0\.1:(\d+)/\?token=(\S+)) ", "".join(lines))
        assert link, "".join(lines)
        port, token = int(link.group(2)), link.group(3)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/static/js/textual.js")
        refused = connection.getresponse()
        assert refused.status == 401 and refused.read()
        connection.request("GET", f"/?token={token}")
        response = connection.getresponse()
        response.read()
        assert response.status == 303 and "Set-Cookie" in response.headers
        connection.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        output = "".join(lines) + (proc.communicate(timeout=20)[0] or "")
    assert proc.returncode == 0
    assert output.count(token) == 1  # shown once, in the link, never again


@pytest.mark.slow
def test_tabs_end_when_the_server_is_killed(browser, sample_store, tmp_path):
    """kill -9 of the server (no chance to stop its tabs): each tab notices and quits, letting go of the store."""
    import signal

    path, _ = sample_store
    with Served(path, env=env_for(tmp_path)) as served:
        page = new_page(browser)
        login(page, served.url, name="orphan")
        wait_stream(page, "decided here")
        assert served.proc is not None
        served.proc.send_signal(signal.SIGKILL)
        served.proc.wait()
        wait_tabs_gone(served, timeout=15)
        page.context.close()


def test_printed_address_for_all_interfaces_names_this_machine():
    import socket

    assert web._url_host("0.0.0.0") not in ("0.0.0.0", "localhost") and web._url_host("::") != "::"
    assert web._url_host("0.0.0.0") in (socket.getfqdn(), socket.gethostname())
    assert web._url_host("::1") == "[::1]" and web._url_host("127.0.0.1") == "127.0.0.1"
