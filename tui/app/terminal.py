"""The terminal the app runs in, and noticing that it is gone.

When an SSH connection drops, or a terminal window closes, the kernel hangs up the terminal and
sends SIGHUP — but only to the session's leader. A shell that ignores it (``nohup``, some setups of
``bash``, a wrapper script) leaves the app running on a hung-up terminal, where a read returns
nothing and never blocks: Textual's input thread then spins (60 % of a core), and the app holds its
reviewer's lock for good, so that the analyst, back on a new connection, is refused as "already
open". A hung-up terminal answers every ``tcgetattr`` with EIO; the app asks once a second and, when
it is gone, closes as a SIGHUP would have closed it.
"""

from __future__ import annotations

import contextlib
import errno
import sys
import termios

#: errors a terminal gives once hung up (EIO), or once the device went away (ENXIO, ENODEV)
GONE = {errno.EIO, errno.ENXIO, errno.ENODEV}


def terminal_fd() -> int | None:
    """The descriptor of the terminal the app reads keys from, or None when it reads no terminal
    (``newsreview serve``'s tabs, tests)."""
    with contextlib.suppress(AttributeError, ValueError, OSError, termios.error):  # (termios.error is no OSError)
        stream = sys.__stdin__
        if stream is not None:
            fd = stream.fileno()
            termios.tcgetattr(fd)
            return fd
    return None


def hung_up(fd: int) -> bool:
    """True when the terminal behind ``fd`` has been hung up."""
    try:
        termios.tcgetattr(fd)
    except termios.error as err:
        return bool(err.args) and err.args[0] in GONE
    except OSError as err:  # a closed descriptor
        return err.errno in GONE or err.errno == errno.EBADF
    return False
