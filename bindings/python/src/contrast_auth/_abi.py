"""ctypes declarations of the C ABI in ``include/contrast_auth.h``.

Kept in step with the header by ``tests/test_abi.py``, which parses the header and checks
every result code, constant and the argument count of every function declared here.
"""

from __future__ import annotations

import ctypes
from typing import Dict, Type

from . import errors


class ContrastAuthHandle(ctypes.Structure):
    """The opaque ``contrast_auth`` handle (only ever used through a pointer)."""


class ContrastHeaders(ctypes.Structure):
    """The opaque ``contrast_headers`` list (only ever used through a pointer)."""


FINGERPRINT_LEN = 8  # CONTRAST_FINGERPRINT_LEN
NONCE_LEN = 16  # CONTRAST_NONCE_LEN


class ContrastFingerprints(ctypes.Structure):
    """``contrast_fingerprints``: four NUL-terminated 8-hex-digit fingerprints and a generation."""

    _fields_ = [
        ("user_name", ctypes.c_char * (FINGERPRINT_LEN + 1)),
        ("service_key", ctypes.c_char * (FINGERPRINT_LEN + 1)),
        ("api_key", ctypes.c_char * (FINGERPRINT_LEN + 1)),
        ("signing_key", ctypes.c_char * (FINGERPRINT_LEN + 1)),
        ("generation", ctypes.c_uint64),
    ]


class ContrastSendOutcome(ctypes.Structure):
    """``contrast_send_outcome``: what the server said to an accepted report."""

    _fields_ = [
        ("status", ctypes.c_uint16),
        ("attempts", ctypes.c_uint32),
        ("generation", ctypes.c_uint64),
        ("reloaded", ctypes.c_bool),
    ]


class ContrastBytes(ctypes.Structure):
    """``contrast_bytes``: a borrowed byte string (one DER certificate)."""

    _fields_ = [
        ("data", ctypes.POINTER(ctypes.c_uint8)),
        ("len", ctypes.c_size_t),
    ]


class ContrastSetting(ctypes.Structure):
    """``contrast_setting``: one host setting (key and value, NUL-terminated UTF-8)."""

    _fields_ = [
        ("key", ctypes.c_char_p),
        ("value", ctypes.c_char_p),
    ]


class ContrastEnvironmentOptions(ctypes.Structure):
    """``contrast_environment_options``: the agent name, host settings, trust anchors and the
    system directory of ``contrast_auth_from_environment_with_options``."""

    _fields_ = [
        ("agent", ctypes.c_char_p),
        ("settings", ctypes.POINTER(ContrastSetting)),
        ("setting_count", ctypes.c_size_t),
        ("trust_anchors", ctypes.POINTER(ContrastBytes)),
        ("trust_anchor_count", ctypes.c_size_t),
        ("system_config_dir", ctypes.c_char_p),
    ]


class ContrastCounters(ctypes.Structure):
    """``contrast_counters``: running totals of a handle's reports."""

    _fields_ = [
        ("acknowledged", ctypes.c_uint64),
        ("failed", ctypes.c_uint64),
        ("requests", ctypes.c_uint64),
        ("retries", ctypes.c_uint64),
        ("reloads", ctypes.c_uint64),
        ("handshakes", ctypes.c_uint64),
        ("rejections", ctypes.c_uint64),
        ("reconnects", ctypes.c_uint64),
    ]


#: ``contrast_log_callback``: (userdata, level, event, message, message_len). The message is
#: taken as a pointer so exactly ``message_len`` bytes are read.
LOG_CALLBACK = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t
)

#: ``CONTRAST_LOG_<NAME>`` levels of the header.
LOG_LEVELS: Dict[str, int] = {"ERROR": 1, "WARN": 2, "INFO": 3, "DEBUG": 4, "TRACE": 5}

HANDLE_P = ctypes.POINTER(ContrastAuthHandle)
HEADERS_P = ctypes.POINTER(ContrastHeaders)
contrast_result = ctypes.c_uint32

#: ``CONTRAST_RESULT_<NAME>`` values of the header.
RESULT_CODES: Dict[str, int] = {
    "OK": 0,
    "NULL_ARGUMENT": 1,
    "INVALID_UTF8": 2,
    "INVALID_ARGUMENT": 3,
    "BUFFER_TOO_SMALL": 4,
    "CONFIG": 5,
    "TLS_REQUIRED": 6,
    "CREDENTIALS_REJECTED": 7,
    "NETWORK": 8,
    "PANIC": 9,
    "INVALID_TOKEN": 10,
    "TLS": 11,
    "HTTP_STATUS": 12,
    "SIGNING": 13,
    "NOT_FOUND": 14,
}

#: ``CONTRAST_KEY_*`` bits set by ``contrast_auth_reload``, by key name.
KEY_BITS: Dict[str, int] = {
    "user_name": 1,
    "service_key": 2,
    "api_key": 4,
    "signing_key": 8,
    "url": 16,
}

#: Every function declared below with its argument count (checked against the header).
PROTOTYPES: Dict[str, int] = {}


def declare_prototypes(lib: ctypes.CDLL) -> None:
    """Set ``argtypes``/``restype`` of every function the package calls."""
    c_char_p, c_size_t, c_void_p = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p
    size_p = ctypes.POINTER(c_size_t)
    out_handle = ctypes.POINTER(HANDLE_P)
    out_headers = ctypes.POINTER(HEADERS_P)
    out_text = ctypes.POINTER(c_char_p)
    buffer_read = [HANDLE_P, c_void_p, c_size_t, size_p]
    sign = [HANDLE_P, c_char_p, c_char_p, c_char_p, c_void_p, c_size_t]

    def declare(name: str, restype, argtypes) -> None:  # type: ignore[no-untyped-def]
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
        PROTOTYPES[name] = len(argtypes)

    declare("contrast_version", ctypes.c_char_p, [])
    declare("contrast_result_message", ctypes.c_char_p, [ctypes.c_uint32])
    declare("contrast_last_error", contrast_result, [c_void_p, c_size_t, size_p])
    declare("contrast_auth_new", contrast_result, [c_char_p, c_char_p, c_char_p, c_char_p, out_handle])
    declare("contrast_auth_from_token", contrast_result, [c_char_p, out_handle])
    declare("contrast_auth_from_environment", contrast_result, [out_handle])
    declare(
        "contrast_auth_from_environment_with_trust",
        contrast_result,
        [ctypes.POINTER(ContrastBytes), c_size_t, out_handle],
    )
    declare(
        "contrast_auth_from_environment_with_options",
        contrast_result,
        [ctypes.POINTER(ContrastEnvironmentOptions), out_handle],
    )
    declare("contrast_auth_authorization", contrast_result, buffer_read)
    declare("contrast_auth_api_key", contrast_result, buffer_read)
    declare("contrast_auth_headers", contrast_result, [HANDLE_P, out_headers])
    declare("contrast_auth_rotate", contrast_result, [HANDLE_P, c_char_p, c_char_p])
    declare("contrast_auth_reload", contrast_result, [HANDLE_P, ctypes.POINTER(ctypes.c_uint32)])
    declare("contrast_auth_fingerprints", contrast_result, [HANDLE_P, ctypes.POINTER(ContrastFingerprints)])
    declare("contrast_auth_free", None, [HANDLE_P])
    declare("contrast_auth_sign", contrast_result, sign + [out_headers])
    declare("contrast_auth_sign_with_nonce", contrast_result, sign + [ctypes.c_uint64, c_void_p, out_headers])
    declare("contrast_auth_send", contrast_result, sign + [ctypes.POINTER(ContrastSendOutcome)])
    declare("contrast_headers_count", c_size_t, [HEADERS_P])
    declare("contrast_headers_get", contrast_result, [HEADERS_P, c_size_t, out_text, out_text])
    declare("contrast_headers_find", contrast_result, [HEADERS_P, c_char_p, out_text])
    declare("contrast_headers_free", None, [HEADERS_P])
    declare("contrast_set_log_callback", None, [LOG_CALLBACK, c_void_p, ctypes.c_uint32])
    declare("contrast_auth_counters", contrast_result, [HANDLE_P, ctypes.POINTER(ContrastCounters)])


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


ERROR_CLASSES_BY_CODE = error_classes()
