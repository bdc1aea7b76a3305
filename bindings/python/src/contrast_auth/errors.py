"""Exceptions: one class per ``contrast_result`` code, all under :class:`ContrastAuthError`.

Messages come from the library's static ``contrast_result_message`` plus the Python
operation and argument name; they never contain a secret value.
"""

from __future__ import annotations

from typing import Dict, Optional, Type


class ContrastAuthError(Exception):
    """Base class of every error reported by the contrast-auth library.

    ``code`` is the numeric ``contrast_result`` (``None`` when raised before the C call),
    ``result_name`` its header name without the ``CONTRAST_RESULT_`` prefix.
    """

    #: The ``CONTRAST_RESULT_<NAME>`` suffix this class stands for (``None`` on the base).
    result_name: Optional[str] = None

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code


class NullArgumentError(ContrastAuthError, TypeError):
    """A required argument was ``None`` (``CONTRAST_RESULT_NULL_ARGUMENT``)."""

    result_name = "NULL_ARGUMENT"


class InvalidUtf8Error(ContrastAuthError, ValueError):
    """A text argument was not valid UTF-8 (``CONTRAST_RESULT_INVALID_UTF8``)."""

    result_name = "INVALID_UTF8"


class InvalidArgumentError(ContrastAuthError, ValueError):
    """An argument was malformed: empty, CR/LF or another control character, NUL inside,
    a bad method or URL (``CONTRAST_RESULT_INVALID_ARGUMENT``)."""

    result_name = "INVALID_ARGUMENT"


class BufferTooSmallError(ContrastAuthError):
    """An output buffer was too small (``CONTRAST_RESULT_BUFFER_TOO_SMALL``); the wrapper
    retries with the size the library asks for, so callers should never see this."""

    result_name = "BUFFER_TOO_SMALL"


class ConfigError(ContrastAuthError):
    """The configuration was missing or invalid (``CONTRAST_RESULT_CONFIG``)."""

    result_name = "CONFIG"


class TlsRequiredError(ContrastAuthError):
    """The API URL was not ``https://`` (``CONTRAST_RESULT_TLS_REQUIRED``)."""

    result_name = "TLS_REQUIRED"


class CredentialsRejectedError(ContrastAuthError):
    """The server refused the credentials: 401, 403 or 412 (``CONTRAST_RESULT_CREDENTIALS_REJECTED``)."""

    result_name = "CREDENTIALS_REJECTED"


class NetworkError(ContrastAuthError):
    """Connecting, TLS or the exchange failed (``CONTRAST_RESULT_NETWORK``)."""

    result_name = "NETWORK"


class PanicError(ContrastAuthError):
    """The library caught an internal panic (``CONTRAST_RESULT_PANIC``): a bug, reported."""

    result_name = "PANIC"


class InvalidTokenError(ContrastAuthError, ValueError):
    """The agent token is not standard base64 of the expected JSON object
    (``CONTRAST_RESULT_INVALID_TOKEN``)."""

    result_name = "INVALID_TOKEN"


class TlsError(ContrastAuthError):
    """The TLS handshake failed: untrusted certificate, protocol error (``CONTRAST_RESULT_TLS``)."""

    result_name = "TLS"


class HttpStatusError(ContrastAuthError):
    """The server answered with an error status other than a credential rejection
    (``CONTRAST_RESULT_HTTP_STATUS``)."""

    result_name = "HTTP_STATUS"


class SigningError(ContrastAuthError):
    """The request could not be signed: unsupported method or URL (``CONTRAST_RESULT_SIGNING``)."""

    result_name = "SIGNING"


class NotFoundError(ContrastAuthError, KeyError):
    """No header of that name is in the list (``CONTRAST_RESULT_NOT_FOUND``)."""

    result_name = "NOT_FOUND"

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


#: Error classes by ``CONTRAST_RESULT_`` suffix (``_abi`` refuses a header code without one).
ERROR_CLASSES: Dict[str, Type[ContrastAuthError]] = {
    cls.result_name: cls
    for cls in (
        NullArgumentError,
        InvalidUtf8Error,
        InvalidArgumentError,
        BufferTooSmallError,
        ConfigError,
        TlsRequiredError,
        CredentialsRejectedError,
        NetworkError,
        PanicError,
        InvalidTokenError,
        TlsError,
        HttpStatusError,
        SigningError,
        NotFoundError,
    )
}
