"""Finding and loading the contrast-auth shared library.

Search order: the path in ``CONTRAST_AUTH_LIBRARY``; the library file bundled next to this
package (a platform wheel carries one); the system loader (``ctypes.util.find_library`` / the
plain file name, so ``LD_LIBRARY_PATH`` and ``ldconfig`` apply). Whatever is found must report
the package's version from ``contrast_version()``, or loading fails with
:class:`LibraryVersionError`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from pathlib import Path
from typing import Optional

from ._version import __version__

#: Environment variable naming the shared library file to load.
LIBRARY_ENV_VAR = "CONTRAST_AUTH_LIBRARY"

_PACKAGE_DIR = Path(__file__).resolve().parent
_lock = threading.Lock()


def _reset_lock_after_fork_in_child() -> None:
    # A thread of the parent holding the lock at the fork does not exist in the child.
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_reset_lock_after_fork_in_child)
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


class LibraryVersionError(LibraryNotFoundError):
    """The library found is not the version this package is built for.

    ``library_version`` is what the library reported (``None`` when it has no
    ``contrast_version()``); ``package_version`` is :data:`contrast_auth.__version__`.
    """

    def __init__(self, path: str, library_version: Optional[str], package_version: str) -> None:
        self.path = path
        self.library_version = library_version
        self.package_version = package_version
        found = (
            f"is version {library_version}"
            if library_version is not None
            else "has no contrast_version() (a library older than 0.1.0)"
        )
        super().__init__(
            f"the contrast-auth library {path} {found}, but the contrast_auth package is version "
            f"{package_version}: install the wheel of the same version, or point {LIBRARY_ENV_VAR} "
            f"at a {library_file_name()} of version {package_version}"
        )


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


def check_version(path: str, library: ctypes.CDLL, expected: str = __version__) -> str:
    """Return the library's ``contrast_version()``; raise :class:`LibraryVersionError` unless
    it equals ``expected``."""
    try:
        function = library.contrast_version
    except AttributeError:
        raise LibraryVersionError(path, None, expected) from None
    function.restype = ctypes.c_char_p
    function.argtypes = []
    raw = function()
    version = raw.decode("utf-8", "replace") if raw else ""
    if version != expected:
        raise LibraryVersionError(path, version, expected)
    return version


def open_library(path: str, expected_version: str = __version__) -> ctypes.CDLL:
    """Open the library at ``path``, check its version and declare the C ABI's prototypes."""
    from ._abi import declare_prototypes

    try:
        library = ctypes.CDLL(path)
    except OSError as error:
        raise LibraryNotFoundError(
            f"cannot load the contrast-auth library ({path}): {error}; install the platform "
            f"wheel of contrast-auth, or set {LIBRARY_ENV_VAR} to the path of "
            f"{library_file_name()} (built by `cargo build --release`)"
        ) from error
    check_version(path, library, expected_version)
    declare_prototypes(library)
    return library


def library() -> ctypes.CDLL:
    """The process-wide library, loaded on first use."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                from ._log import install

                _loaded = open_library(locate_library())
                install(_loaded)  # the log callback, on the process-wide copy only
    return _loaded


def library_version() -> str:
    """The loaded library's ``contrast_version()`` (loading it first if needed)."""
    raw = library().contrast_version()
    return str(raw.decode("utf-8"))
