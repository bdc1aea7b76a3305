"""The library's log records in Python's ``logging``: ``logging.getLogger("contrast_auth")``.

The library calls a ctypes callback (``contrast_set_log_callback``) on the thread that
called it; each record becomes a ``logging`` record with the event name (e.g.
``config.unknown_key``) in its arguments and as ``record.event``. Levels: ERROR, WARNING,
INFO, DEBUG, and TRACE (5) below DEBUG. Only records the logger would handle are produced:
the library is told the logger's level when it is loaded and when a :class:`ContrastAuth`
is created; call :func:`refresh_log_level` after changing the level yourself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from typing import Optional

from ._abi import LOG_CALLBACK, LOG_LEVELS

#: The logger every record goes to.
LOGGER_NAME = "contrast_auth"
#: Python level of the library's TRACE records (below DEBUG).
TRACE = 5

logger = logging.getLogger(LOGGER_NAME)
if logging.getLevelName(TRACE) == f"Level {TRACE}":
    logging.addLevelName(TRACE, "TRACE")

_PYTHON_LEVELS = {
    LOG_LEVELS["ERROR"]: logging.ERROR,
    LOG_LEVELS["WARN"]: logging.WARNING,
    LOG_LEVELS["INFO"]: logging.INFO,
    LOG_LEVELS["DEBUG"]: logging.DEBUG,
    LOG_LEVELS["TRACE"]: TRACE,
}

_lock = threading.Lock()


def _reset_lock_after_fork_in_child() -> None:
    # A thread of the parent holding the lock at the fork does not exist in the child.
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_reset_lock_after_fork_in_child)
_library: Optional[ctypes.CDLL] = None
_installed_level = -1


def _deliver(_userdata: Optional[int], level: int, event: Optional[bytes], message: Optional[int], length: int) -> None:
    """The ctypes callback: one library record into ``logger``. Never raises into C."""
    try:
        text = ctypes.string_at(message, length).decode("utf-8", "replace") if message else ""
        name = event.decode("ascii", "replace") if event else ""
        logger.log(_PYTHON_LEVELS.get(level, logging.ERROR), "%s: %s", name, text, extra={"event": name})
    except Exception:  # noqa: BLE001 - a logging failure must not unwind into the library
        pass


# Kept alive for the life of the process: the library holds the pointer.
_CALLBACK = LOG_CALLBACK(_deliver)


def library_level() -> int:
    """The ``CONTRAST_LOG_*`` level matching the logger's effective level (0: nothing)."""
    if logger.disabled:
        return 0
    for level in (LOG_LEVELS["TRACE"], LOG_LEVELS["DEBUG"], LOG_LEVELS["INFO"], LOG_LEVELS["WARN"], LOG_LEVELS["ERROR"]):
        if logger.isEnabledFor(_PYTHON_LEVELS[level]):
            return level
    return 0


def install(library: ctypes.CDLL) -> None:
    """Install the callback on a freshly loaded library, at the logger's current level."""
    global _library
    _library = library
    refresh_log_level()


def refresh_log_level() -> None:
    """Tell the library the ``contrast_auth`` logger's level (after changing it)."""
    global _installed_level
    with _lock:
        if _library is None:
            return
        level = library_level()
        if level != _installed_level:
            _library.contrast_set_log_callback(_CALLBACK, None, level)
            _installed_level = level
