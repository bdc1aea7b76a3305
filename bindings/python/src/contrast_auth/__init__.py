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
from .auth import ClosedError, ContrastAuth, Fingerprints, SendOutcome, Text
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
]
