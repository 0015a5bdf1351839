"""Store locations given as URLs (``postgresql://…``): recognising them, taking newsreview's own
``schema`` parameter out before libpq sees the rest, and masking credentials wherever a URL is shown.

A URL is passed to libpq as it is (less ``schema``), so everything libpq understands works: a password
in the URL, ``PGPASSWORD``, ``~/.pgpass``, ``service=NAME`` with a service file, ``sslmode``, a socket
folder as ``host=/run/postgresql``. Nothing here imports psycopg: the CLI masks URLs in its messages
without loading the driver.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

SCHEMES = ("postgresql://", "postgres://")
DEFAULT_SCHEMA = "newsreview"
MASK = "***"
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SECRET_PARAMS = ("password", "sslpassword")


def is_url(location: str | os.PathLike[str]) -> bool:
    return isinstance(location, str) and location.lower().startswith(SCHEMES)


def _parts(url: str) -> tuple[str, str | None, str, str] | None:
    """(scheme "postgresql://", userinfo or None, host/path, query or "") of a URL. The userinfo ends
    at the last "@" before any "?", so a password holding "/" or "@" is still found (and masked)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return None
    head, q, query = rest.partition("?")
    at = head.rfind("@")
    if at < 0:
        return scheme + sep, None, head, q + query
    return scheme + sep, head[:at], head[at + 1 :], q + query


def mask_url(url: str) -> str:
    """The URL with any password (``user:PASSWORD@``, ``?password=…``) replaced by ``***``."""
    parts = _parts(url)
    if parts is None:
        return url
    scheme, userinfo, hostpath, query = parts
    out = scheme
    if userinfo is not None:
        user, colon, _password = userinfo.partition(":")
        out += f"{user}:{MASK}@" if colon else f"{userinfo}@"
    out += hostpath
    if query:
        items = []
        for item in query[1:].split("&"):
            key, eq, _value = item.partition("=")
            items.append(f"{key}={MASK}" if eq and unquote(key).lower() in _SECRET_PARAMS else item)
        out += "?" + "&".join(items)
    return out


def secrets_of(url: str) -> list[str]:
    """The passwords a URL carries (to scrub them from messages that might quote them)."""
    parts = _parts(url)
    if parts is None:
        return []
    _, userinfo, _, query = parts
    out = []
    if userinfo is not None:
        _, colon, password = userinfo.partition(":")
        if colon and password:
            out += [password, unquote(password)]
    for item in query[1:].split("&") if query else []:
        key, eq, value = item.partition("=")
        if eq and unquote(key).lower() in _SECRET_PARAMS and value:
            out += [value, unquote(value)]
    return [s for s in dict.fromkeys(out) if s]


def scrub(message: str, url: str) -> str:
    """``message`` with the URL masked and any password it carries removed."""
    text = message.replace(url, mask_url(url))
    for secret in sorted(secrets_of(url), key=len, reverse=True):
        if len(secret) >= 3:  # libpq never quotes a password; this is a second line of defence
            text = text.replace(secret, MASK)
    return text


def shown(location: str | os.PathLike[str]) -> str:
    """How a store location is shown to users: a path as is, a URL masked."""
    text = os.fspath(location)
    return mask_url(text) if is_url(text) else text


def split_schema(url: str) -> tuple[str, str]:
    """(the URL for libpq, without newsreview's ``schema`` parameter; the schema name). ValueError if
    the name is not a plain lower-case SQL identifier."""
    base, q, query = url.partition("?")
    if not q:
        return url, DEFAULT_SCHEMA
    kept, schema = [], DEFAULT_SCHEMA
    for item in query.split("&"):
        key, _, value = item.partition("=")
        if unquote(key) == "schema":
            schema = unquote(value)
        elif item:
            kept.append(item)
    if not _SCHEMA_NAME.fullmatch(schema):
        raise ValueError(
            f"schema={schema[:70]!r}: a schema name is lower-case letters, digits and _ (at most 63, not starting with a digit)"
        )
    return (f"{base}?{'&'.join(kept)}" if kept else base), schema
