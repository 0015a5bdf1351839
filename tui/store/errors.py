"""The store's errors: each carries a message fit to show an analyst as is (one line)."""

from __future__ import annotations


class StoreError(RuntimeError):
    """Any store problem, with a message fit to show an analyst as is."""


class StoreDamaged(StoreError):
    """A file of the store is damaged or missing: nothing is written until ``newsreview doctor``."""


class StoreWriteError(StoreError):
    """A write failed (disk full, permissions...): that decision was not saved; the store is as before."""


class ReaderGone(StoreWriteError):
    """The reader of a pipe written through (``-o /dev/stdout | head``, ``-o fifo``) left before the end:
    the command stops as ``cat`` does, quietly and with SIGPIPE's status."""


class StoreLocked(StoreError):
    """Another process writes as the same reviewer."""


class DecisionError(StoreError):
    """A decision that cannot be applied (unknown candidate, bad fields...). The store is unchanged."""


class NothingChanged(DecisionError):
    """An edit whose fields are the candidate's own: as a review, refused; as a ruling, the version as it
    is (a lead's ruling for the machine's label among reviewers' relabels)."""


class Unchanged(DecisionError):
    """A review's accept or reject of what the reviewer has already accepted or rejected: nothing is
    written (a record that changed nothing would be an undo step that undoes nothing)."""

    def __init__(self, message: str, candidate: str) -> None:
        super().__init__(message)
        self.candidate = candidate


class NotALead(DecisionError):
    """Adjudicating, assigning or naming the leads, asked by a reviewer who is not one of the store's
    leads (when it has any). Nothing was written."""


class StoreUnavailable(StoreWriteError):
    """The database server cannot be reached (a lost connection): nothing was saved by the call that
    raised it; the next call tries to reconnect."""
