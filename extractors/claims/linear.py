"""What the claim scorers share: hashed features, the logistic function, and their weights files.

``cues.py``, ``contents.py`` and ``checkworthy.py`` are logistic regressions over hashed string
features; ``bench/train_*.py`` write their weights as ``.npz`` files (float16 arrays, float64 scalars,
uint8 arrays for UTF-8 text) that ship inside the package and load once, on first use.
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path
from typing import Any

import numpy as np


def hash_id(feature: str, n_features: int) -> int:
    """The bucket of a feature string (``n_features`` is a power of two); stable across processes."""
    return zlib.crc32(feature.encode("utf-8")) & (n_features - 1)


def hash_ids(features: list[str], n_features: int) -> list[int]:
    return [hash_id(f, n_features) for f in features]


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class Weights:
    """A weights file written by a ``bench/train_*.py`` script, read on first use."""

    def __init__(self, path: Path, script: str):
        self.path = path
        self.script = script
        self._data: dict[str, Any] | None = None

    def __getitem__(self, key: str) -> Any:
        """An array as float32 (float16 on disk), a scalar as float, text as str."""
        return self._load()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._load().get(key, default)

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            if not self.path.exists():
                raise RuntimeError(f"weights missing: {self.path}; run {self.script}")
            with np.load(self.path) as data:
                self._data = {k: _value(v) for k, v in data.items()}
        return self._data

    def use(self, path: Path) -> None:
        """Read from ``path`` from now on (training scripts point the product at what they wrote)."""
        self.path, self._data = path, None


def text_array(text: str) -> np.ndarray:
    """``text`` as it is stored in a weights file (read back as str by ``Weights``)."""
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _value(v: np.ndarray) -> Any:
    if v.dtype == np.uint8:
        return v.tobytes().decode("utf-8")
    return float(v) if v.ndim == 0 else v.astype(np.float32)
