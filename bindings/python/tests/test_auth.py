"""ContrastAuth end to end through the C ABI: constructors, headers, rotation, reload,
fingerprints, context manager."""

from __future__ import annotations

import base64
import json

import pytest

from contrast_auth import (
    ConfigError,
    ContrastAuth,
    Fingerprints,
    InvalidArgumentError,
    InvalidUtf8Error,
    TlsRequiredError,
)

from conftest import API_KEY, SERVICE_KEY, URL, USER_NAME


def test_header_values(auth):
    assert base64.b64decode(auth.authorization_header(), validate=True) == f"{USER_NAME}:{SERVICE_KEY}".encode()
    assert not auth.authorization_header().startswith("Basic")
    assert auth.api_key_header() == API_KEY
    headers = auth.headers()
    assert list(headers) == ["Authorization", "API-Key", "Accept", "User-Agent"]
    assert headers["Authorization"] == auth.authorization_header()
    assert headers["API-Key"] == API_KEY
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("contrast-auth/")


def test_long_values_grow_the_buffer():
    long_key = "K" * 5000  # longer than the first buffer
    with ContrastAuth.from_credentials(URL, USER_NAME, long_key, long_key) as auth:
        assert auth.api_key_header() == long_key
        assert base64.b64decode(auth.authorization_header()).decode() == f"{USER_NAME}:{long_key}"


def test_non_ascii_values_round_trip():
    with ContrastAuth.from_credentials(URL, "agént", "clé-ß-日本語", "ключ") as auth:
        assert auth.api_key_header() == "ключ"
        assert base64.b64decode(auth.authorization_header()).decode("utf-8") == "agént:clé-ß-日本語"


def test_from_token():
    token = base64.b64encode(
        json.dumps({"url": URL, "api_key": API_KEY, "service_key": SERVICE_KEY, "user_name": USER_NAME}).encode()
    ).decode()
    with ContrastAuth.from_token(token) as auth:
        assert auth.api_key_header() == API_KEY
        assert base64.b64decode(auth.authorization_header()).decode() == f"{USER_NAME}:{SERVICE_KEY}"


def test_rotation_changes_one_layer_at_a_time_and_the_fingerprints(auth):
    before = auth.fingerprints()
    assert isinstance(before, Fingerprints)
    assert before.generation == 1
    assert all(len(fp) == 8 and int(fp, 16) >= 0 for fp in (before.user_name, before.service_key, before.api_key, before.signing_key))
    auth.rotate(service_key="NEWSERVICEKEY")
    assert base64.b64decode(auth.authorization_header()).decode() == f"{USER_NAME}:NEWSERVICEKEY"
    assert auth.api_key_header() == API_KEY
    middle = auth.fingerprints()
    assert middle.generation == 2
    assert middle.service_key != before.service_key and middle.api_key == before.api_key
    assert middle.signing_key != before.signing_key  # derived from both layers
    auth.rotate(api_key="NEWAPIKEY")
    after = auth.fingerprints()
    assert auth.api_key_header() == "NEWAPIKEY"
    assert after.generation == 3 and after.api_key != middle.api_key and after.service_key == middle.service_key


def test_signing_adds_the_previous_signature_after_a_rotation(auth):
    url = URL + "/api/ng/agents/report"
    assert "contrast-prev" not in auth.sign("POST", url, "application/json", b"{}")["Signature"]
    auth.rotate("ROTATEDSERVICEKEY", "ROTATEDAPIKEY")
    signed = auth.sign("POST", url, "application/json", b"{}")
    assert "contrast-prev=:" in signed["Signature"]
    assert "contrast-prev=(" in signed["Signature-Input"]


def write_yaml(path, service_key: str, api_key: str) -> None:
    path.write_text(
        "api:\n"
        f"  url: {URL}\n"
        f"  user_name: {USER_NAME}\n"
        f"  service_key: {service_key}\n"
        f"  api_key: {api_key}\n",
        encoding="utf-8",
    )


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    """No CONTRAST__ variables, a working directory without a YAML file."""
    import os

    for name in list(os.environ):
        if name.startswith("CONTRAST__") or name == "CONTRAST_CONFIG_PATH":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_from_environment_and_reload_from_yaml(clean_environment, tmp_path):
    config = tmp_path / "contrast_security.yaml"
    write_yaml(config, "YAMLSERVICEKEY1", "YAMLAPIKEY1")
    clean_environment.setenv("CONTRAST_CONFIG_PATH", str(config))
    with ContrastAuth.from_environment() as auth:
        assert auth.api_key_header() == "YAMLAPIKEY1"
        assert auth.reload() == frozenset()  # nothing changed
        write_yaml(config, "YAMLSERVICEKEY2", "YAMLAPIKEY1")
        assert auth.reload() == frozenset({"service_key", "signing_key"})
        assert base64.b64decode(auth.authorization_header()).decode() == f"{USER_NAME}:YAMLSERVICEKEY2"
        write_yaml(config, "YAMLSERVICEKEY2", "YAMLAPIKEY3")
        assert "api_key" in auth.reload()
        assert auth.api_key_header() == "YAMLAPIKEY3"
        assert auth.fingerprints().generation == 3


def test_from_environment_variables_beat_yaml(clean_environment, tmp_path):
    write_yaml(tmp_path / "contrast_security.yaml", "YAMLSERVICEKEY", "YAMLAPIKEY")
    clean_environment.setenv("CONTRAST__API__API_KEY", "ENVAPIKEY")
    with ContrastAuth.from_environment() as auth:
        assert auth.api_key_header() == "ENVAPIKEY"
        assert base64.b64decode(auth.authorization_header()).decode() == f"{USER_NAME}:YAMLSERVICEKEY"


def test_from_environment_without_configuration_is_a_config_error(clean_environment):
    with pytest.raises(ConfigError) as caught:
        ContrastAuth.from_environment()
    assert "api" in str(caught.value)


def test_from_environment_refuses_http(clean_environment):
    clean_environment.setenv("CONTRAST__API__URL", "http://contrast.example.com/Contrast")
    for key, value in (("USER_NAME", USER_NAME), ("SERVICE_KEY", SERVICE_KEY), ("API_KEY", API_KEY)):
        clean_environment.setenv(f"CONTRAST__API__{key}", value)
    with pytest.raises((TlsRequiredError, ConfigError)):
        ContrastAuth.from_environment()


def test_from_environment_reads_the_python_agent_directory(clean_environment, tmp_path):
    system = tmp_path / "etc-contrast"
    (system / "python").mkdir(parents=True)
    (system / "go").mkdir()
    write_yaml(system / "go" / "contrast_security.yaml", "GOSERVICEKEY", "GOAPIKEY")
    with pytest.raises(ConfigError):  # another agent's directory is not read
        ContrastAuth.from_environment(system_config_dir=str(system))
    write_yaml(system / "python" / "contrast_security.yaml", "PYSERVICEKEY", "PYAPIKEY")
    with ContrastAuth.from_environment(system_config_dir=str(system)) as auth:
        assert auth.api_key_header() == "PYAPIKEY"
        write_yaml(system / "python" / "contrast_security.yaml", "PYSERVICEKEY", "PYAPIKEY2")
        assert "api_key" in auth.reload()
        assert auth.api_key_header() == "PYAPIKEY2"


def test_host_settings_beat_the_environment_and_the_yaml(clean_environment, tmp_path):
    write_yaml(tmp_path / "contrast_security.yaml", "YAMLSERVICEKEY", "YAMLAPIKEY")
    clean_environment.setenv("CONTRAST__API__API_KEY", "ENVAPIKEY")
    clean_environment.setenv("CONTRAST__API__SERVICE_KEY", "ENVSERVICEKEY")
    settings = {"contrast.api.api_key": "HOSTAPIKEY", "api.user_name": "agent_\u00fc@Org"}
    with ContrastAuth.from_environment(settings=settings) as auth:
        assert auth.api_key_header() == "HOSTAPIKEY"
        assert base64.b64decode(auth.authorization_header()).decode() == "agent_\u00fc@Org:ENVSERVICEKEY"
        auth.reload()  # host settings stay on top
        assert auth.api_key_header() == "HOSTAPIKEY"


def test_bad_host_settings_are_typed_errors_without_the_value(clean_environment):
    planted = "PLANTEDSECRET4a7b"
    full = {"api.url": URL, "api.user_name": USER_NAME, "api.service_key": SERVICE_KEY}
    with pytest.raises(InvalidArgumentError) as caught:
        ContrastAuth.from_environment(settings={**full, "api.api_key": planted + "\r\nX-Injected: 1"})
    assert "api_key" in str(caught.value) and planted not in str(caught.value)
    with pytest.raises(InvalidArgumentError) as caught:
        ContrastAuth.from_environment(settings={**full, "api key": planted})
    assert "setting 3" in str(caught.value) and planted not in str(caught.value)
    with pytest.raises(InvalidArgumentError):
        ContrastAuth.from_environment(settings={"api.api_key": planted + "\0"})
    with pytest.raises(InvalidUtf8Error):
        ContrastAuth.from_environment(settings={"api.api_key": b"\xff\xfe"})
    with pytest.raises(TypeError):
        ContrastAuth.from_environment(settings=[("api.api_key", planted)])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ContrastAuth.from_environment(settings={"api.api_key": 42})  # type: ignore[dict-item]
    with pytest.raises(TlsRequiredError):
        ContrastAuth.from_environment(settings={**full, "api.url": "http://x.example/Contrast", "api.api_key": "K"})


def test_reload_of_explicit_values_changes_nothing(auth):
    assert auth.reload() == frozenset()
    assert auth.api_key_header() == API_KEY


def test_context_manager_closes():
    with ContrastAuth.from_credentials(URL, USER_NAME, SERVICE_KEY, API_KEY) as auth:
        assert not auth.closed
    assert auth.closed
    assert "closed" in repr(auth) and SERVICE_KEY not in repr(auth)
