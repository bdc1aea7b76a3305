"""contrast-auth for Python: Contrast agent authentication through the library's C ABI.

>>> from contrast_auth import ContrastAuth
>>> with ContrastAuth.from_credentials(url, user_name, service_key, api_key) as auth:
...     headers = {"Authorization": auth.authorization_header(), "API-Key": auth.api_key_header()}
"""

from ._library import (
    LIBRARY_ENV_VAR,
    LibraryNotFoundError,
    LibraryVersionError,
    library_file_name,
    library_version,
    locate_library,
)
from ._version import __version__
from ._log import LOGGER_NAME, TRACE, refresh_log_level
from .auth import ClosedError, ContrastAuth, Counters, Fingerprints, SendOutcome, Text
from .errors import (
    BufferTooSmallError,
    ConfigError,
    ContrastAuthError,
    CredentialsRejectedError,
    InvalidArgumentError,
    InvalidUtf8Error,
    HttpStatusError,
    InvalidTokenError,
    NetworkError,
    NotFoundError,
    NullArgumentError,
    PanicError,
    SigningError,
    TlsError,
    TlsRequiredError,
)

__all__ = [
    "BufferTooSmallError",
    "ClosedError",
    "ConfigError",
    "ContrastAuth",
    "ContrastAuthError",
    "Counters",
    "CredentialsRejectedError",
    "Fingerprints",
    "HttpStatusError",
    "InvalidTokenError",
    "NotFoundError",
    "SendOutcome",
    "SigningError",
    "TlsError",
    "InvalidArgumentError",
    "InvalidUtf8Error",
    "LIBRARY_ENV_VAR",
    "LOGGER_NAME",
    "TRACE",
    "LibraryNotFoundError",
    "LibraryVersionError",
    "__version__",
    "NetworkError",
    "NullArgumentError",
    "PanicError",
    "Text",
    "TlsRequiredError",
    "library_file_name",
    "library_version",
    "locate_library",
    "refresh_log_level",
]
