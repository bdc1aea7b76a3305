"""ctypes declarations of the C ABI in ``include/contrast_auth.h`` (keep in step with it;
``tests/test_abi.py`` checks the result codes against the header)."""

from __future__ import annotations

import ctypes
from typing import Dict, Type

from . import errors


class ContrastAuthHandle(ctypes.Structure):
    """The opaque ``contrast_auth`` handle (only ever used through a pointer)."""


HANDLE_P = ctypes.POINTER(ContrastAuthHandle)
contrast_result = ctypes.c_uint32

#: ``CONTRAST_RESULT_<NAME>`` values, copied from the header.
RESULT_CODES: Dict[str, int] = {}  # filled in below


def declare_prototypes(lib: ctypes.CDLL) -> None:
    """Set ``argtypes``/``restype`` of every function the package calls."""
    c_char_p, c_size_t = ctypes.c_char_p, ctypes.c_size_t
    size_p = ctypes.POINTER(c_size_t)
    out_handle = ctypes.POINTER(HANDLE_P)
    buffer_read = [HANDLE_P, ctypes.c_void_p, c_size_t, size_p]

    def declare(name: str, restype, argtypes) -> None:  # type: ignore[no-untyped-def]
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes

    declare("contrast_result_message", ctypes.c_char_p, [ctypes.c_uint32])
    declare("contrast_auth_new", contrast_result, [c_char_p, c_char_p, c_char_p, c_char_p, out_handle])
    declare("contrast_auth_from_token", contrast_result, [c_char_p, out_handle])
    declare("contrast_auth_from_environment", contrast_result, [out_handle])
    declare("contrast_auth_authorization", contrast_result, buffer_read)
    declare("contrast_auth_api_key", contrast_result, buffer_read)
    declare("contrast_auth_rotate", contrast_result, [HANDLE_P, c_char_p, c_char_p])
    declare("contrast_auth_free", None, [HANDLE_P])


def error_classes() -> Dict[int, Type[errors.ContrastAuthError]]:
    """Exception class by numeric code, for every non-OK code of the header."""
    table: Dict[int, Type[errors.ContrastAuthError]] = {}
    for name, code in RESULT_CODES.items():
        if name == "OK":
            continue
        cls = errors.ERROR_CLASSES.get(name)
        if cls is None:
            raise RuntimeError(f"no exception class for CONTRAST_RESULT_{name}")
        table[code] = cls
    return table
