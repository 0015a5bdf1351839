"""User settings under the platformdirs config folder: keys.toml (remaps by binding id), settings.json."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..paths import config_dir
from ..sanitize import clean_line, is_clean

KEYS_FILE = "keys.toml"
SETTINGS_FILE = "settings.json"


def load_keymap(folder: Path | None = None) -> tuple[dict[str, str], str | None]:
    """``[keys]`` table of binding id -> key(s), e.g. ``"review.accept" = "y"``. Returns (keymap, problem)."""
    path = (folder or config_dir()) / KEYS_FILE
    if not path.exists():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return {}, f"{clean_line(path, 200)}: ignored ({clean_line(err, 200)})"
    except RecursionError:  # QA: arrays nested 500 deep stopped the app with an internal error
        return {}, f"{clean_line(path, 200)}: ignored (nested too deeply to read)"
    keys = data.get("keys", data)
    if not isinstance(keys, dict):
        return {}, f'{clean_line(path, 200)}: ignored ([keys] must be a table of binding id = "key,key")'
    keymap: dict[str, str] = {}
    bad: list[str] = []
    for k, v in keys.items():
        if isinstance(v, str) and is_clean(str(k)) and is_clean(v) and "\n" not in v:
            keymap[str(k)] = v
        else:
            bad.append(clean_line(k, 40))
    problems = []
    if bad:
        problems.append(f"ignored {_some(bad)} (a key must be a string of key names)")
    outside = [clean_line(k, 40) for k in data if k != "keys"] if "keys" in data else []
    if outside:  # QA: remaps written above the [keys] table were ignored without a word
        problems.append(f"ignored {_some(outside)}: remaps go in the [keys] table")
    return keymap, (f"{clean_line(path, 200)}: " + "; ".join(problems)) if problems else None


def _some(names: list[str], shown: int = 8) -> str:
    """At most ``shown`` names, then how many more (QA: 3,000 unknown ids made a warning taller than
    the screen)."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def config_problems(folder: Path | None = None) -> list[str]:
    """What keeps the config folder from being read or saved, one line each (QA: a folder that is a
    file, or a settings.json that is a folder, lost every theme change without a word)."""
    folder = folder or config_dir()
    shown = clean_line(folder, 200)
    if folder.exists() and not folder.is_dir():
        return [f"{shown} is not a folder: keys.toml is not read and settings (theme, where you left off) not saved"]
    settings = folder / SETTINGS_FILE
    if settings.exists() and not settings.is_file():
        return [f"{clean_line(settings, 200)} is not a file: settings (theme, where you left off) are not saved"]
    if settings.is_file() and _damaged(settings):
        return [
            f"{clean_line(settings, 200)} could not be read: it is kept as it is and settings (theme, where you "
            "left off) are not saved until it is mended or removed"
        ]
    return []


def _damaged(path: Path) -> bool:
    """Whether a settings file is there but holds no JSON object (never overwritten then: others'
    themes are in it)."""
    try:
        return not isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError, RecursionError):
        return True


def load_settings(folder: Path | None = None) -> dict[str, Any]:
    path = (folder or config_dir()) / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError, RecursionError):  # (said once, by config_problems)
        return {}


def update_settings(change: Callable[[dict[str, Any]], dict[str, Any]], folder: Path | None = None) -> dict[str, Any]:
    """Apply ``change`` to the settings as they are on disk now and write the result atomically.

    Several apps share one settings file (two terminals, the browser's tabs): each re-reads under a
    lock and changes only its own keys, so none undoes another's, and a crash mid-write leaves the
    old file whole. Returns the settings written (or, when they cannot be written, as changed)."""
    folder = folder or config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / (SETTINGS_FILE + ".lock")):
            if (folder / SETTINGS_FILE).exists() and _damaged(folder / SETTINGS_FILE):
                # QA: a trailing comma, and the next save wrote over everyone's themes; kept as it is
                raise ValueError("settings.json is damaged")
            settings = change(load_settings(folder))
            target = Path(os.path.realpath(folder / SETTINGS_FILE))  # a linked file (dotfiles) stays linked
            try:
                mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
            except OSError:
                mode = None  # a new file: mkstemp's owner-only mode
            fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(settings, handle, indent=2)  # no fsync: a convenience, written on n/p
                if mode is not None:
                    os.chmod(tmp, mode)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            return settings
    except (OSError, TypeError, ValueError):
        try:  # settings are a convenience; never fail the review for them
            return change(load_settings(folder))
        except (TypeError, ValueError):
            return load_settings(folder)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
