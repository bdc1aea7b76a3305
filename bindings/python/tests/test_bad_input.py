"""Every bad input gets a typed exception naming what is wrong, never a crash or a secret."""

from __future__ import annotations

import pytest

from contrast_auth import (
    ClosedError,
    ContrastAuth,
    ContrastAuthError,
    InvalidArgumentError,
    InvalidTokenError,
    InvalidUtf8Error,
    SigningError,
    NullArgumentError,
    TlsRequiredError,
)

from conftest import API_KEY, SERVICE_KEY, URL, USER_NAME

GOOD = {"url": URL, "user_name": USER_NAME, "service_key": SERVICE_KEY, "api_key": API_KEY}
FIELDS = list(GOOD)
PLANTED = "PLANTEDSECRET42"


def make(**changes):
    args = dict(GOOD, **changes)
    return ContrastAuth.from_credentials(args["url"], args["user_name"], args["service_key"], args["api_key"])


def assert_no_secret(error: BaseException) -> None:
    text = f"{error} {error!r}"
    for secret in (SERVICE_KEY, API_KEY, USER_NAME, PLANTED):
        assert secret not in text


@pytest.mark.parametrize("field", FIELDS)
def test_none_is_a_null_argument_from_the_library(field):
    with pytest.raises(NullArgumentError) as caught:
        make(**{field: None})
    assert caught.value.code is not None  # raised from the C result code
    assert isinstance(caught.value, TypeError)
    assert_no_secret(caught.value)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", [42, 3.5, ["a"], object()])
def test_non_text_is_a_type_error_naming_the_argument(field, value):
    with pytest.raises(TypeError, match=field):
        make(**{field: value})


@pytest.mark.parametrize("field", FIELDS)
def test_invalid_utf8_bytes_are_rejected_by_the_library(field):
    with pytest.raises(InvalidUtf8Error) as caught:
        make(**{field: b"\xff\xfe" + PLANTED.encode()})
    assert caught.value.code is not None
    assert_no_secret(caught.value)


@pytest.mark.parametrize("field", FIELDS)
def test_lone_surrogate_is_invalid_utf8(field):
    with pytest.raises(InvalidUtf8Error, match=field):
        make(**{field: "abc\udc80"})


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", ["\r", "\n", "\r\n", "x\r\ny: z"])
def test_cr_lf_are_rejected(field, bad):
    value = GOOD[field] + bad + PLANTED
    with pytest.raises(InvalidArgumentError) as caught:
        make(**{field: value})
    assert caught.value.code is not None
    assert field in str(caught.value)  # names the key
    assert_no_secret(caught.value)


@pytest.mark.parametrize("field", FIELDS)
def test_empty_is_rejected(field):
    with pytest.raises((InvalidArgumentError, TlsRequiredError)) as caught:
        make(**{field: ""})
    assert caught.value.code is not None
    assert field in str(caught.value)


@pytest.mark.parametrize("field", FIELDS)
def test_nul_inside_is_rejected_before_c_truncates_it(field):
    with pytest.raises(InvalidArgumentError, match=field):
        make(**{field: GOOD[field] + "\0" + PLANTED})


def test_http_url_needs_tls():
    with pytest.raises(TlsRequiredError):
        make(url="http://contrast.example.com/Contrast")


def test_bytes_that_are_valid_utf8_work():
    with ContrastAuth.from_credentials(URL.encode(), USER_NAME.encode(), SERVICE_KEY.encode(), API_KEY.encode()) as auth:
        assert auth.api_key_header() == API_KEY


@pytest.mark.parametrize(
    "token, error",
    [
        (None, NullArgumentError),
        (b"\xff\xfe", InvalidUtf8Error),
        ("", InvalidTokenError),
        ("not base64 at all!", InvalidTokenError),
        ("eyJ1cmwiOiAiaHR0cHM6Ly94In0=", InvalidTokenError),  # {"url": "https://x"}: keys missing
        ("abc\r\ndef", InvalidTokenError),
    ],
)
def test_bad_tokens(token, error):
    with pytest.raises(error) as caught:
        ContrastAuth.from_token(token)
    assert caught.value.code is not None


def test_non_text_token():
    with pytest.raises(TypeError, match="token"):
        ContrastAuth.from_token(12345)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["service_key", "api_key"])
@pytest.mark.parametrize("value", ["", "a\r\nb", b"\xff", "x\0y"])
def test_bad_rotation_keeps_the_old_keys(auth, field, value):
    before = (auth.authorization_header(), auth.api_key_header())
    with pytest.raises(ContrastAuthError) as caught:
        auth.rotate(**{field: value})
    assert_no_secret(caught.value)
    assert (auth.authorization_header(), auth.api_key_header()) == before


def test_rotating_nothing_is_an_invalid_argument(auth):
    with pytest.raises(InvalidArgumentError, match="nothing to rotate"):
        auth.rotate()


def test_colon_in_user_name():
    with pytest.raises(InvalidArgumentError, match="user_name"):
        make(user_name="agent:evil")


SIGN_GOOD = ("POST", URL + "/api/ng/agents/report", "application/json", b"{}")


@pytest.mark.parametrize(
    "index, value, error",
    [
        (0, None, NullArgumentError),
        (1, None, NullArgumentError),
        (2, None, NullArgumentError),
        (0, b"\xffPOST", InvalidUtf8Error),
        (1, b"https://x.example.com/\xff", InvalidUtf8Error),
        (2, b"\xff", InvalidUtf8Error),
        (0, "PO ST", SigningError),
        (0, "", SigningError),
        (1, "http://contrast.example.com/Contrast/api", SigningError),
        (1, "not a url", SigningError),
        (1, "", SigningError),
        (2, "application/json\r\nX-Evil: 1", ContrastAuthError),
        (0, "PO\0ST", InvalidArgumentError),
    ],
)
def test_bad_signing_input(auth, index, value, error):
    args = list(SIGN_GOOD)
    args[index] = value
    with pytest.raises(error) as caught:
        auth.sign(*args)
    assert_no_secret(caught.value)


@pytest.mark.parametrize("body", ["{}", 42, None])
def test_body_must_be_bytes(auth, body):
    with pytest.raises(TypeError, match="body"):
        auth.sign("POST", URL + "/api", "application/json", body)


@pytest.mark.parametrize(
    "created, nonce, error",
    [
        (1767225600, None, InvalidArgumentError),
        (None, bytes(16), InvalidArgumentError),
        (1767225600, bytes(15), InvalidArgumentError),
        (1767225600, bytes(17), InvalidArgumentError),
        (-1, bytes(16), InvalidArgumentError),
        ("1767225600", bytes(16), TypeError),
    ],
)
def test_bad_created_or_nonce(auth, created, nonce, error):
    with pytest.raises(error):
        auth.sign(*SIGN_GOOD, created=created, nonce=nonce)


@pytest.mark.parametrize("field", ["service_key", "api_key"])
def test_non_text_rotation(auth, field):
    with pytest.raises(TypeError, match=field):
        auth.rotate(**{field: 7})


def test_closed_handle_is_a_clear_error():
    auth = make()
    auth.close()
    auth.close()  # twice is fine
    assert auth.closed
    with pytest.raises(ClosedError, match="closed"):
        auth.authorization_header()
    with pytest.raises(ClosedError):
        auth.rotate(service_key="NEW")
