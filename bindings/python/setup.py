"""Build hooks of the contrast_auth package (the metadata is in pyproject.toml).

A wheel carries the contrast-auth shared library next to the package and is tagged for the
platform of that library (``py3-none-<platform>``: ctypes needs no CPython ABI). Which library:

- ``CONTRAST_AUTH_WHEEL_LIBRARY`` (a file) with ``CONTRAST_AUTH_WHEEL_PLATFORM`` (a wheel
  platform tag such as ``manylinux2014_x86_64``): used by ``scripts/release-wheels``.
- Otherwise, in a checkout, ``target/release/`` of the repository when ``cargo build --release``
  made the library there (``pip install bindings/python``), tagged for this machine.
- Otherwise no library: a ``py3-none-any`` wheel that finds the library at run time
  (``CONTRAST_AUTH_LIBRARY`` or the system loader).
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Optional

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NAMES = {"linux": "libcontrast_auth.so", "darwin": "libcontrast_auth.dylib", "win32": "contrast_auth.dll"}


def bundled_library() -> Optional[Path]:
    """The library file to put into the wheel, or None."""
    explicit = os.environ.get("CONTRAST_AUTH_WHEEL_LIBRARY")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            sys.exit(f"CONTRAST_AUTH_WHEEL_LIBRARY names a file that does not exist: {path}")
        if not os.environ.get("CONTRAST_AUTH_WHEEL_PLATFORM"):
            sys.exit("CONTRAST_AUTH_WHEEL_LIBRARY needs CONTRAST_AUTH_WHEEL_PLATFORM (a wheel platform tag)")
        return path
    name = NAMES.get(sys.platform, NAMES["linux"])
    checkout = HERE.parent.parent / "target" / "release" / name
    return checkout if checkout.is_file() else None


def platform_tag() -> str:
    """The wheel platform tag of the bundled library."""
    explicit = os.environ.get("CONTRAST_AUTH_WHEEL_PLATFORM")
    if explicit:
        return explicit
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


class BuildWithLibrary(build_py):
    """Copies the library next to the package files in the build tree."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "contrast_auth"
        for stale in NAMES.values():  # left in build/ by an earlier build for another platform
            (target / stale).unlink(missing_ok=True)
        library = bundled_library()
        if library is not None:
            # The file keeps its platform's name (a .dll for a Windows wheel built on Linux).
            shutil.copyfile(library, target / library.name)


class PlatformDistribution(Distribution):
    """Not pure when it carries a library: the files go to platlib, the wheel's root."""

    def has_ext_modules(self) -> bool:
        return bundled_library() is not None


class PlatformWheel(bdist_wheel):
    """Tags the wheel py3-none-<platform> when it carries a library, py3-none-any otherwise."""

    def get_tag(self) -> tuple[str, str, str]:
        if bundled_library() is None:
            return "py3", "none", "any"
        return "py3", "none", platform_tag()


setup(distclass=PlatformDistribution, cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel})
