"""``newsreview serve``: the review app in a browser, behind a login.

Three parts, so that each process imports only what it needs:

- this module: who may come in (:class:`Access`: open on loopback, a shared desk token, or one token
  per analyst from a ``--users`` file), reviewer-name validation, the users file. Standard library only.
- :mod:`tui.serve.web`: the aiohttp server built on textual-serve, with the login in front of every
  route (imported only when the server starts).
- :mod:`tui.serve.tab`: what one browser tab runs, in its own process: the review app on the store, as
  the reviewer the login established (``python -m tui.serve.tab``).

Never imports Textual, spaCy or aiohttp at import time (``newsreview --help`` stays light).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import ssl
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

MIN_TOKEN = 16
TOKEN_ENV = "NEWSREVIEW_TOKEN"


class ServeError(Exception):
    """A problem with the serve command's options or files: one line for the user, no traceback."""


def valid_reviewer(name: str) -> str:
    """The reviewer name, NFC-normalised and stripped; ``ValueError`` with a one-line reason if unusable.

    A name is shown to other analysts, written into every decision, names the reviewer's journal
    file in the store and is passed to the tab process as one argv element. The store's own rule
    applies (:func:`extractors.strict_json.check_reviewer`: printable — no control, bidirectional or
    zero-width characters —, at most 64 characters, none of ``\\ / < > : " | ? *``, no dot or space
    at either end); here also not starting with '-', so it can never pass for an option.
    """
    from extractors.strict_json import FieldError, check_reviewer

    if not isinstance(name, str):
        raise ValueError("reviewer name must be text")
    name = name.strip()
    if not name:
        raise ValueError("reviewer name is empty")
    try:
        name = check_reviewer(name, "name")
    except FieldError as err:
        raise ValueError(f"reviewer name: {err.message}") from None
    if name.startswith("-"):
        raise ValueError("reviewer name must not start with '-'")
    return name


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach: 127.0.0.0/8, ::1 and the name localhost.

    Any other name counts as reachable from outside (it may resolve anywhere), so it needs a token.
    """
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def check_token_strength(token: str, where: str) -> None:
    if len(token) < MIN_TOKEN:
        raise ServeError(f"{where}: a token must be at least {MIN_TOKEN} characters (a generated one has 32)")
    if not token.isprintable() or any(c.isspace() for c in token):
        raise ServeError(f"{where}: a token must be printable and hold no spaces")


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


@dataclass(frozen=True)
class Access:
    """Who may use the server.

    ``open``: loopback only, no token; every visitor says who they are (a name form).
    ``token``: one shared desk token; each visitor gives it once and then their name.
    ``users``: one token per analyst (``--users FILE``); the name comes with the token, so it cannot
    be chosen — the mode for a desk where names must not be spoofed.
    """

    mode: Literal["open", "token", "users"]
    token_digest: bytes | None = None
    users: tuple[tuple[bytes, str], ...] = ()  # (sha256 of token, reviewer)
    generated: str | None = field(default=None, repr=False)  # the generated token, to print once

    @property
    def needs_token(self) -> bool:
        return self.mode != "open"

    @property
    def needs_name(self) -> bool:
        return self.mode != "users"

    def check(self, given: str) -> tuple[bool, str | None]:
        """(valid, reviewer the token names or None). Constant time in which token matched.

        Both sides are hashed first so ``hmac.compare_digest`` compares equal lengths, and every
        user's token is compared (no early exit).
        """
        digest = _digest(given)
        if self.mode == "token":
            assert self.token_digest is not None
            return hmac.compare_digest(digest, self.token_digest), None
        if self.mode == "users":
            found: str | None = None
            for token_digest, name in self.users:
                if hmac.compare_digest(digest, token_digest):
                    found = name
            return found is not None, found
        return True, None


def _regular_file(path: Path) -> None:
    """``path`` is a regular file, or ``ServeError`` naming it (QA: a missing certificate was
    "None: no such file"; a FIFO given as the users file blocked the start for good)."""
    try:
        info = os.stat(path)
    except OSError as err:
        raise ServeError(f"{path}: {err.strerror or err}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ServeError(f"{path}: not a regular file")


def load_users(path: Path) -> dict[str, str]:
    """``[users]`` table of reviewer name -> token from a TOML file; ``ServeError`` naming file and field."""
    _regular_file(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ServeError(f"{path}: {err.strerror or err}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ServeError(f"{path}: not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        raise ServeError(f"{path}: {err}") from None
    table = data.get("users")
    if not isinstance(table, dict) or not table:
        raise ServeError(f'{path}: needs a [users] table of name = "token" lines')
    users: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key, token in table.items():
        where = f"{path}: users.{key!r}"
        try:
            name = valid_reviewer(key)
        except ValueError as err:
            raise ServeError(f"{where}: {err}") from None
        if not isinstance(token, str):
            raise ServeError(f"{where}: the token must be a string")
        check_token_strength(token, where)
        if token in seen:
            raise ServeError(f"{where}: the same token as users.{seen[token]!r}; give each analyst their own")
        if name in users.values():
            raise ServeError(f"{where}: the name is listed twice")
        seen[token] = key
        users[token] = name
    return users


def users_file_warning(path: Path) -> str | None:
    """A one-line warning when the users file is readable by other accounts on this machine."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path} is readable by other users of this machine; chmod 600 {path}"
    return None


def resolve_access(host: str, token: str | None, users_file: Path | None) -> Access:
    """What the options ask for. Binding beyond loopback always requires a token: the given one,
    a users file, or one generated here (returned in ``generated``, for the caller to print once)."""
    if token is not None and users_file is not None:
        raise ServeError("--token and --users exclude each other: with --users each analyst has a token")
    if users_file is not None:
        users: Mapping[str, str] = load_users(users_file)
        return Access("users", users=tuple((_digest(t), name) for t, name in users.items()))
    if token is not None:
        check_token_strength(token, f"--token (or ${TOKEN_ENV})")
        return Access("token", token_digest=_digest(token))
    if is_loopback(host):
        return Access("open")
    generated = new_token()
    return Access("token", token_digest=_digest(generated), generated=generated)


def tab_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a tab process: the server's, without the token."""
    env = dict(os.environ if base is None else base)
    env.pop(TOKEN_ENV, None)
    return env


def serve(
    store: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    users: Path | None = None,
    max_tabs: int = 8,
    allow_add: bool = False,
    model: str | None = None,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> None:
    """Run the server until ctrl+c (or SIGTERM). Raises ``ServeError`` for bad options or files."""
    access = resolve_access(host, token, users)
    tls = tls_context(tls_cert, tls_key)
    try:
        from . import web
    except ImportError as err:
        raise ServeError(
            f"newsreview serve needs textual-serve ({err.name} is missing): pip install 'newsreview[serve]'"
        ) from None
    web.run(
        web.ServeConfig(
            store=store,
            host=host,
            port=port,
            access=access,
            max_tabs=max_tabs,
            allow_add=allow_add,
            model=model,
            users_warning=users_file_warning(users) if users else None,
            tls=tls,
        )
    )


def tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    """A server TLS context from a certificate chain and its private key (PEM), or None."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise ServeError("--tls-cert and --tls-key go together")
    _regular_file(cert)  # named when missing (ssl's error names no file), never a FIFO read for good
    _regular_file(key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as err:
        raise ServeError(f"{err.filename or cert}: no such file") from None
    except (OSError, ssl.SSLError) as err:
        raise ServeError(f"{cert} / {key}: not a PEM certificate and its key ({err})") from None
    return context
