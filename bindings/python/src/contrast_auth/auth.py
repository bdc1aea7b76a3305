"""``ContrastAuth``: one handle on the library's credential store."""

from __future__ import annotations

import ctypes
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Union

from . import _abi, errors
from ._library import library

#: What a text argument may be: ``str`` (encoded as UTF-8) or ``bytes`` (passed as is, so the
#: library checks the UTF-8 itself).
Text = Union[str, bytes]

_INITIAL_BUFFER = 256
_MAX_BUFFER_RETRIES = 8


class ClosedError(errors.ContrastAuthError, ValueError):
    """The :class:`ContrastAuth` was used after :meth:`ContrastAuth.close`."""


def _encode(value: object, name: str) -> Optional[bytes]:
    """A text argument as NUL-free bytes for C; ``None`` stays ``None`` (a C NULL)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError:
            raise errors.InvalidUtf8Error(f"{name} is not valid UTF-8 (it contains a lone surrogate)") from None
    elif isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    else:
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if b"\0" in data:
        raise errors.InvalidArgumentError(f"{name} contains a NUL character")
    return data


def check(code: int, operation: str) -> None:
    """Raise the exception class of ``code`` (a ``contrast_result``) unless it is OK."""
    if code == _abi.RESULT_CODES["OK"]:
        return
    lib = library()
    message = lib.contrast_result_message(code)
    text = message.decode("utf-8", "replace") if message else "unknown error"
    cls = _abi.error_classes().get(code, errors.ContrastAuthError)
    raise cls(f"{operation}: {text}", code)


class ContrastAuth:
    """Both credential layers of a Contrast agent, kept by the library.

    Create one with :meth:`from_credentials`, :meth:`from_token` or :meth:`from_environment`;
    use it as a context manager or call :meth:`close`. Every method may be called from many
    threads at once, rotation included; header reads always see a consistent pair.
    Header values are secrets: do not log them.
    """

    __slots__ = ("_handle", "_lock", "_idle", "_users", "__weakref__")

    def __init__(self, handle: "ctypes._Pointer[_abi.ContrastAuthHandle]") -> None:
        """Take ownership of a handle from the library (use the ``from_*`` constructors)."""
        self._handle: Optional["ctypes._Pointer[_abi.ContrastAuthHandle]"] = handle
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._users = 0

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def _create(cls, operation: str, call: Callable[["ctypes._CArgObject"], int]) -> "ContrastAuth":
        handle = _abi.HANDLE_P()
        check(call(ctypes.byref(handle)), operation)
        if not handle:
            raise errors.PanicError(f"{operation}: the library returned OK without a handle")
        return cls(handle)

    @classmethod
    def from_credentials(cls, url: Text, user_name: Text, service_key: Text, api_key: Text) -> "ContrastAuth":
        """From the API URL (https only, including ``/Contrast``), the agent user name and
        both keys (``contrast_auth_new``)."""
        args = [
            _encode(url, "url"),
            _encode(user_name, "user_name"),
            _encode(service_key, "service_key"),
            _encode(api_key, "api_key"),
        ]
        lib = library()
        return cls._create("ContrastAuth.from_credentials", lambda out: lib.contrast_auth_new(*args, out))

    @classmethod
    def from_token(cls, token: Text) -> "ContrastAuth":
        """From an agent token (``api.token``: base64 of the JSON credentials)."""
        data = _encode(token, "token")
        lib = library()
        return cls._create("ContrastAuth.from_token", lambda out: lib.contrast_auth_from_token(data, out))

    @classmethod
    def from_environment(cls) -> "ContrastAuth":
        """From the environment (``CONTRAST__API__*``) and ``contrast_security.yaml``, as
        every Contrast agent reads them."""
        lib = library()
        return cls._create("ContrastAuth.from_environment", lib.contrast_auth_from_environment)

    # -- lifetime -------------------------------------------------------------------------

    @contextmanager
    def _borrow(self) -> Iterator["ctypes._Pointer[_abi.ContrastAuthHandle]"]:
        """The handle, kept alive (not freed by a concurrent close) while in use."""
        with self._lock:
            handle = self._handle
            if handle is None:
                raise ClosedError("ContrastAuth is closed")
            self._users += 1
        try:
            yield handle
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._idle.notify_all()

    def close(self) -> None:
        """Free the library's handle (waits for calls in flight); later calls raise
        :class:`ClosedError`. Closing twice is fine."""
        with self._lock:
            handle, self._handle = self._handle, None
            while self._users:
                self._idle.wait()
        if handle is not None:
            library().contrast_auth_free(handle)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._handle is None

    def __enter__(self) -> "ContrastAuth":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Backstop for a handle never closed; `close` is the way.
        try:
            if getattr(self, "_handle", None) is not None:
                self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"<ContrastAuth {'closed' if self.closed else 'open'}>"

    # -- header values --------------------------------------------------------------------

    def _read_text(self, function: Callable[..., int], operation: str) -> str:
        """Call a ``(auth, buf, len, *out_len)`` function, growing the buffer as asked."""
        size = _INITIAL_BUFFER
        too_small = _abi.RESULT_CODES["BUFFER_TOO_SMALL"]
        for _ in range(_MAX_BUFFER_RETRIES):
            buffer = ctypes.create_string_buffer(size)
            needed = ctypes.c_size_t(0)
            try:
                with self._borrow() as handle:
                    code = function(handle, buffer, size, ctypes.byref(needed))
                if code == too_small:
                    size = needed.value + 1
                    continue
                check(code, operation)
                return buffer.raw[: needed.value].decode("utf-8")
            finally:
                ctypes.memset(buffer, 0, size)  # the copy we made of a secret
        raise errors.BufferTooSmallError(f"{operation}: the value kept growing", too_small)

    def authorization_header(self) -> str:
        """The ``Authorization`` header value: base64 of ``user_name:service_key`` (a secret)."""
        return self._read_text(library().contrast_auth_authorization, "ContrastAuth.authorization_header")

    def api_key_header(self) -> str:
        """The ``API-Key`` header value: the organization API key (a secret)."""
        return self._read_text(library().contrast_auth_api_key, "ContrastAuth.api_key_header")

    # -- rotation -------------------------------------------------------------------------

    def rotate(self, service_key: Optional[Text] = None, api_key: Optional[Text] = None) -> None:
        """Replace one or both keys atomically; ``None`` keeps that layer."""
        sk = _encode(service_key, "service_key")
        ak = _encode(api_key, "api_key")
        with self._borrow() as handle:
            code = library().contrast_auth_rotate(handle, sk, ak)
        check(code, "ContrastAuth.rotate")
