"""Finding and loading the contrast-auth shared library.

Search order: the path in ``CONTRAST_AUTH_LIBRARY``; a library file next to this package;
the system loader (``ctypes.util.find_library`` / the plain file name, so ``LD_LIBRARY_PATH``
and ``ldconfig`` apply).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from pathlib import Path
from typing import Optional

#: Environment variable naming the shared library file to load.
LIBRARY_ENV_VAR = "CONTRAST_AUTH_LIBRARY"

_PACKAGE_DIR = Path(__file__).resolve().parent
_lock = threading.Lock()
_loaded: Optional[ctypes.CDLL] = None


def library_file_name() -> str:
    """The platform's file name of the library (``libcontrast_auth.so`` on Linux)."""
    if sys.platform == "darwin":
        return "libcontrast_auth.dylib"
    if sys.platform == "win32":
        return "contrast_auth.dll"
    return "libcontrast_auth.so"


class LibraryNotFoundError(OSError):
    """The contrast-auth shared library could not be found or loaded."""


def locate_library(package_dir: Optional[Path] = None) -> str:
    """Return the path (or bare name for the system loader) of the library to load.

    Raises :class:`LibraryNotFoundError` when ``CONTRAST_AUTH_LIBRARY`` names a missing file:
    an explicit setting that does not work is an error, never silently skipped.
    """
    explicit = os.environ.get(LIBRARY_ENV_VAR)
    if explicit:
        if not Path(explicit).is_file():
            raise LibraryNotFoundError(f"{LIBRARY_ENV_VAR} names a file that does not exist: {explicit}")
        return explicit
    beside = (package_dir or _PACKAGE_DIR) / library_file_name()
    if beside.is_file():
        return str(beside)
    found = ctypes.util.find_library("contrast_auth")
    return found or library_file_name()


def open_library(path: str) -> ctypes.CDLL:
    """Open the library at ``path`` and declare the C ABI's function prototypes on it."""
    from ._abi import declare_prototypes

    try:
        library = ctypes.CDLL(path)
    except OSError as error:
        raise LibraryNotFoundError(
            f"cannot load the contrast-auth library ({path}): {error}; set {LIBRARY_ENV_VAR} "
            f"to the path of {library_file_name()} (built by `cargo build --release`)"
        ) from error
    declare_prototypes(library)
    return library


def library() -> ctypes.CDLL:
    """The process-wide library, loaded on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = open_library(locate_library())
    return _loaded
