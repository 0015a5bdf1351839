"""The review screen (see :mod:`.screen`)."""

from .screen import ReviewScreen

__all__ = ["ReviewScreen"]
