"""``ContrastAuth``: one handle on the library's credential store."""

from __future__ import annotations

import ctypes
import os
import threading
import weakref
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterator, Optional, Sequence, Union

from . import _abi, _log, errors
from ._library import library

#: The agent name passed to the library: ``contrast_security.yaml`` is also searched in
#: ``/etc/contrast/python/``.
AGENT_NAME = "python"

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


def _last_error() -> str:
    """The library's description of the last failure on this thread (never a secret)."""
    lib = library()
    length = ctypes.c_size_t(0)
    size = 512
    for _ in range(2):  # a longer description: once more with the size the library asks for
        buffer = ctypes.create_string_buffer(size)
        code = lib.contrast_last_error(buffer, size, ctypes.byref(length))
        if code == _abi.RESULT_CODES["OK"]:
            return buffer.raw[: length.value].decode("utf-8", "replace")
        if code != _abi.RESULT_CODES["BUFFER_TOO_SMALL"]:
            break
        size = length.value + 1
    return ""


def check(code: int, operation: str) -> None:
    """Raise the exception class of ``code`` (a ``contrast_result``) unless it is OK.

    Call it right after the failing C call, on the same thread: the message includes the
    library's thread-local description of the failure.
    """
    if code == _abi.RESULT_CODES["OK"]:
        return
    detail = _last_error()
    message = library().contrast_result_message(code)
    text = message.decode("utf-8", "replace") if message else "unknown error"
    cls = _abi.ERROR_CLASSES_BY_CODE.get(code, errors.ContrastAuthError)
    raise cls(f"{operation}: {detail} ({text})" if detail else f"{operation}: {text}", code)


def _take_headers(headers: "ctypes._Pointer[_abi.ContrastHeaders]", operation: str) -> Dict[str, str]:
    """Copy a ``contrast_headers`` list into a dict (in sending order) and free the list."""
    lib = library()
    try:
        result: Dict[str, str] = {}
        for index in range(lib.contrast_headers_count(headers)):
            name, value = ctypes.c_char_p(), ctypes.c_char_p()
            check(lib.contrast_headers_get(headers, index, ctypes.byref(name), ctypes.byref(value)), operation)
            result[(name.value or b"").decode("utf-8")] = (value.value or b"").decode("utf-8")
        return result
    finally:
        lib.contrast_headers_free(headers)  # zeroizes the library's copies


@dataclass(frozen=True)
class SendOutcome:
    """What the server said to an accepted report."""

    #: The HTTP status of the acknowledgement (2xx).
    status: int
    #: Requests made, retries included (at least 1).
    attempts: int
    #: The credential generation that was accepted.
    generation: int
    #: Whether a rejection made the library reload the credentials before it succeeded.
    reloaded: bool


@dataclass(frozen=True)
class Counters:
    """Running totals of a handle's reports (read without locks; each only grows)."""

    #: Reports the server acknowledged.
    acknowledged: int
    #: Reports that ended in an error.
    failed: int
    #: Requests made, retries included.
    requests: int
    #: Requests that were retries.
    retries: int
    #: Credential reloads after the server refused a key.
    reloads: int
    #: New connections, each with a TLS handshake.
    handshakes: int
    #: Responses refusing the credentials (401, 403, 412).
    rejections: int
    #: Failures on a reused keep-alive connection (closed by the server while idle) that were
    #: sent again at once on a fresh connection, not counted as attempts.
    reconnects: int


@dataclass(frozen=True)
class Fingerprints:
    """Fingerprints (first 8 hex digits of SHA-256) of the keys in use: safe to log."""

    user_name: str
    service_key: str
    api_key: str
    signing_key: str
    #: 1 at creation, +1 with every change.
    generation: int


# The handles alive in this process. After a fork the child resets each one's lock and count
# of calls in flight: a thread of the parent that held the lock, or was inside a call (a send
# waiting for the server), does not exist in the child, and `close` would wait for it forever.
_live: "weakref.WeakSet[ContrastAuth]" = weakref.WeakSet()


def _reset_after_fork_in_child() -> None:
    for auth in list(_live):
        auth._lock = threading.Lock()
        auth._idle = threading.Condition(auth._lock)
        auth._users = 0


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_reset_after_fork_in_child)


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
        _live.add(self)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def _create(cls, operation: str, call: Callable[["ctypes._CArgObject"], int]) -> "ContrastAuth":
        library()  # loaded (and the log callback installed) before anything can log
        _log.refresh_log_level()
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
    def from_environment(
        cls,
        trust_anchors: Optional[Sequence[bytes]] = None,
        settings: Optional[Mapping[Text, Text]] = None,
        system_config_dir: Optional[Text] = None,
    ) -> "ContrastAuth":
        """From the environment (``CONTRAST__API__*``) and ``contrast_security.yaml``, as
        every Contrast agent reads them; the YAML file is also searched in
        ``/etc/contrast/python/`` (``contrast_auth_from_environment_with_options``, agent
        ``python``).

        ``trust_anchors``: extra CA certificates to trust, each DER X.509 bytes (e.g. from
        the host's own trust store, ``ssl.SSLContext.get_ca_certs(binary_form=True)``),
        trusted together with ``api.certificate.ca_file``; a certificate that is empty or not
        DER is an :class:`InvalidArgumentError` naming its index.

        ``settings``: the host's own settings (``{"api.timeout_ms": "5000"}``; keys may also
        be spelled ``contrast.api.*``), above the environment and the file.

        ``system_config_dir``: replaces ``/etc/contrast`` (tests, relocated installations)."""
        lib = library()
        if isinstance(trust_anchors, (bytes, bytearray, memoryview, str)):
            raise TypeError("trust_anchors must be a sequence of DER certificates (bytes), not one value")
        certificates = []
        for index, certificate in enumerate(trust_anchors or ()):
            if not isinstance(certificate, (bytes, bytearray, memoryview)):
                raise TypeError(f"trust_anchors[{index}] must be bytes (DER), not {type(certificate).__name__}")
            certificates.append(bytes(certificate))
        if settings is not None and not isinstance(settings, Mapping):
            raise TypeError(f"settings must be a mapping of str to str, not {type(settings).__name__}")
        pairs = [
            (_encode(key, f"settings key {index}"), _encode(value, f"settings[{key!r}]"))
            for index, (key, value) in enumerate((settings or {}).items())
        ]
        for index, (key, value) in enumerate(pairs):
            if key is None or value is None:
                raise TypeError(f"settings entry {index} has a None key or value")
        # Every buffer stays referenced (in `certificates`, `pairs`, `options`) until the call
        # returns; the library copies what it keeps.
        options = _abi.ContrastEnvironmentOptions()
        options.agent = AGENT_NAME.encode("ascii")
        options.system_config_dir = _encode(system_config_dir, "system_config_dir")
        anchors = (_abi.ContrastBytes * max(len(certificates), 1))()
        for entry, certificate in zip(anchors, certificates):
            entry.data = ctypes.cast(ctypes.c_char_p(certificate), ctypes.POINTER(ctypes.c_uint8))
            entry.len = len(certificate)
        options.trust_anchors = anchors
        options.trust_anchor_count = len(certificates)
        entries = (_abi.ContrastSetting * max(len(pairs), 1))()
        for entry, (key, value) in zip(entries, pairs):
            entry.key = key
            entry.value = value
        options.settings = entries
        options.setting_count = len(pairs)
        return cls._create(
            "ContrastAuth.from_environment",
            lambda out: lib.contrast_auth_from_environment_with_options(ctypes.byref(options), out),
        )

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
                ctypes.memset(buffer, 0, ctypes.sizeof(buffer))  # our copy of a secret
        raise errors.BufferTooSmallError(f"{operation}: the value kept growing", too_small)

    def authorization_header(self) -> str:
        """The ``Authorization`` header value: base64 of ``user_name:service_key`` (a secret)."""
        return self._read_text(library().contrast_auth_authorization, "ContrastAuth.authorization_header")

    def api_key_header(self) -> str:
        """The ``API-Key`` header value: the organization API key (a secret)."""
        return self._read_text(library().contrast_auth_api_key, "ContrastAuth.api_key_header")

    def headers(self) -> Dict[str, str]:
        """Every header a request carries, from one snapshot (so ``Authorization`` and
        ``API-Key`` always belong together, even during a rotation): ``Authorization``,
        ``API-Key``, ``Accept``, ``User-Agent``. Values are secrets."""
        out = _abi.HEADERS_P()
        with self._borrow() as handle:
            check(library().contrast_auth_headers(handle, ctypes.byref(out)), "ContrastAuth.headers")
        return _take_headers(out, "ContrastAuth.headers")

    # -- signing --------------------------------------------------------------------------

    def sign(
        self,
        method: Text,
        url: Text,
        content_type: Text,
        body: Union[bytes, bytearray, memoryview],
        *,
        created: Optional[int] = None,
        nonce: Optional[bytes] = None,
    ) -> Dict[str, str]:
        """Sign a report (RFC 9421 + RFC 9530): returns ``Content-Digest``,
        ``Signature-Input`` and ``Signature`` for ``method``, the absolute ``https://``
        ``url``, its ``content_type`` and ``body`` exactly as sent (after compression).

        During the 5 minutes after a rotation a second signature, ``contrast-prev``, is added.
        ``created`` (Unix seconds) and ``nonce`` (16 bytes), given together, make the result
        deterministic: for test vectors only, never reuse a nonce in production.
        """
        operation = "ContrastAuth.sign"
        args = [_encode(method, "method"), _encode(url, "url"), _encode(content_type, "content_type")]
        if not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError(f"body must be bytes, not {type(body).__name__}")
        data = bytes(body)
        if (created is None) != (nonce is None):
            raise errors.InvalidArgumentError(f"{operation}: created and nonce go together")
        out = _abi.HEADERS_P()
        lib = library()
        with self._borrow() as handle:
            if created is None:
                code = lib.contrast_auth_sign(handle, *args, data, len(data), ctypes.byref(out))
            else:
                if isinstance(created, bool) or not isinstance(created, int):
                    raise TypeError(f"created must be int, not {type(created).__name__}")
                if not 0 <= created < 2**64:
                    raise errors.InvalidArgumentError(f"{operation}: created is out of range")
                if not isinstance(nonce, (bytes, bytearray)) or len(nonce) != _abi.NONCE_LEN:
                    raise errors.InvalidArgumentError(f"{operation}: nonce must be {_abi.NONCE_LEN} bytes")
                code = lib.contrast_auth_sign_with_nonce(
                    handle, *args, data, len(data), created, bytes(nonce), ctypes.byref(out)
                )
            check(code, operation)
        return _take_headers(out, operation)

    # -- sending --------------------------------------------------------------------------

    def send(
        self, method: Text, path: Text, content_type: Text, body: Union[bytes, bytearray, memoryview]
    ) -> SendOutcome:
        """Send one report over HTTPS and block until the server acknowledges it or the
        library gives up: ``path`` (starting with ``/``) is joined to the handle's URL; both
        layers from one snapshot, signed; network errors, 408, 429 and 5xx retried with
        backoff; on 401/403/412 the credentials are reloaded once and the report retried if
        a key changed. Raises :class:`CredentialsRejectedError`, :class:`HttpStatusError`,
        :class:`NetworkError`, :class:`TlsError`, ... (the message tells the status,
        attempts and fingerprints). Trust and proxy come from the configuration
        (``api.certificate.ca_file``, ...) of :meth:`from_environment` handles."""
        operation = "ContrastAuth.send"
        args = [_encode(method, "method"), _encode(path, "path"), _encode(content_type, "content_type")]
        if not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError(f"body must be bytes, not {type(body).__name__}")
        data = bytes(body)
        out = _abi.ContrastSendOutcome()
        with self._borrow() as handle:
            check(library().contrast_auth_send(handle, *args, data, len(data), ctypes.byref(out)), operation)
        return SendOutcome(status=out.status, attempts=out.attempts, generation=out.generation, reloaded=bool(out.reloaded))

    # -- rotation and reload --------------------------------------------------------------

    def rotate(self, service_key: Optional[Text] = None, api_key: Optional[Text] = None) -> None:
        """Replace one or both keys atomically; ``None`` keeps that layer (not both ``None``)."""
        sk = _encode(service_key, "service_key")
        ak = _encode(api_key, "api_key")
        with self._borrow() as handle:
            check(library().contrast_auth_rotate(handle, sk, ak), "ContrastAuth.rotate")

    def reload(self) -> FrozenSet[str]:
        """Re-read the configuration (for :meth:`from_environment` handles) and switch to it
        if a key changed. Returns the names of what changed (``user_name``,
        ``service_key``, ``api_key``, ``signing_key``, ``url``), empty when nothing did."""
        changed = ctypes.c_uint32(0)
        with self._borrow() as handle:
            check(library().contrast_auth_reload(handle, ctypes.byref(changed)), "ContrastAuth.reload")
        return frozenset(name for name, bit in _abi.KEY_BITS.items() if changed.value & bit)

    def fingerprints(self) -> Fingerprints:
        """Fingerprints of the current keys and their generation (safe to log)."""
        out = _abi.ContrastFingerprints()
        with self._borrow() as handle:
            check(library().contrast_auth_fingerprints(handle, ctypes.byref(out)), "ContrastAuth.fingerprints")
        return Fingerprints(
            user_name=out.user_name.decode("ascii"),
            service_key=out.service_key.decode("ascii"),
            api_key=out.api_key.decode("ascii"),
            signing_key=out.signing_key.decode("ascii"),
            generation=out.generation,
        )

    def counters(self) -> Counters:
        """Running totals of the reports sent through this handle (all 0 before the first
        :meth:`send`): read from atomic counters, no lock."""
        out = _abi.ContrastCounters()
        with self._borrow() as handle:
            check(library().contrast_auth_counters(handle, ctypes.byref(out)), "ContrastAuth.counters")
        # One field per ``contrast_counters`` field, same names: a new counter is one line in
        # ``_abi.ContrastCounters`` and one in ``Counters``.
        return Counters(**{field[0]: getattr(out, field[0]) for field in out._fields_})
