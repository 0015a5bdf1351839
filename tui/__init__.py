"""newsreview: keyboard-driven review of what spaCy extracted from news articles."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsreview")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
