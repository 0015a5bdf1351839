"""What the claim scorers share: hashed features, the logistic function, and their weights files.

``cues.py``, ``contents.py`` and ``checkworthy.py`` are logistic regressions over hashed string
features; ``bench/train_*.py`` write their weights as ``.npz`` files (float16 arrays, float64 scalars,
uint8 arrays for UTF-8 text) that ship inside the package and load once, on first use.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np


@lru_cache(maxsize=1 << 18)
def hash_id(feature: str, n_features: int) -> int:
    """The bucket of a feature string (``n_features`` is a power of two); stable across processes."""
    return zlib.crc32(feature.encode("utf-8")) & (n_features - 1)


def hash_ids(features: list[str], n_features: int) -> list[int]:
    return [hash_id(f, n_features) for f in features]


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


Value = np.ndarray | float | str


class Weights:
    """A weights file written by a ``bench/train_*.py`` script, read on first use."""

    def __init__(self, path: Path, script: str):
        self.path = path
        self.script = script
        self._data: dict[str, Value] | None = None

    def array(self, key: str) -> np.ndarray:
        """An array, as float32 (float16 on disk)."""
        value = self._load()[key]
        assert isinstance(value, np.ndarray), (self.path, key)
        return value

    def scalar(self, key: str) -> float:
        value = self._load()[key]
        assert isinstance(value, float), (self.path, key)
        return value

    def get(self, key: str) -> Value | None:
        return self._load().get(key)

    def _load(self) -> dict[str, Value]:
        if self._data is None:
            if not self.path.exists():
                raise RuntimeError(f"weights missing: {self.path}; run {self.script}")
            with np.load(self.path) as data:
                self._data = {k: _value(v) for k, v in data.items()}
        return self._data

    def __repr__(self) -> str:
        return f"Weights({str(self.path)!r})"


def text_array(text: str) -> np.ndarray:
    """``text`` as it is stored in a weights file (read back as str by ``Weights``)."""
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _value(v: np.ndarray) -> Value:
    if v.dtype == np.uint8:
        return v.tobytes().decode("utf-8")
    return float(v) if v.ndim == 0 else v.astype(np.float32)
