"""Where newsreview keeps things: the default store and the config folder (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_store() -> str:
    """``NEWSREVIEW_STORE`` (a folder, or a ``postgresql://`` URL kept as it is), else the per-user
    data folder."""
    env = os.environ.get("NEWSREVIEW_STORE")
    if env:
        return env if env.lower().startswith(("postgresql://", "postgres://")) else str(Path(env).expanduser())
    return str(platformdirs.user_data_path("newsreview") / "store")


def config_dir() -> Path:
    """keys.toml and settings.json live here (``NEWSREVIEW_CONFIG_DIR`` overrides)."""
    env = os.environ.get("NEWSREVIEW_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_config_path("newsreview")
