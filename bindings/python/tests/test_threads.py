"""Threads reading (and signing) while one thread rotates both layers."""

from __future__ import annotations

import base64
import threading

from contrast_auth import ContrastAuth

from conftest import URL, USER_NAME

READERS = 8
ROTATIONS = 200


def service_key(i: int) -> str:
    return f"SERVICEKEY{i:04d}"


def api_key(i: int) -> str:
    return f"APIKEY{i:04d}"


def generation(value: str, prefix: str) -> int:
    assert value.startswith(prefix), f"torn or unknown value {value!r}"
    return int(value[len(prefix):])


def test_readers_never_see_a_torn_or_older_value_while_one_thread_rotates():
    failures: list = []
    reads = [0] * READERS
    stop = threading.Event()
    with ContrastAuth.from_credentials(URL, USER_NAME, service_key(0), api_key(0)) as auth:

        def read(slot: int) -> None:
            last_service = last_api = 0
            try:
                while not stop.is_set() or reads[slot] < 20:
                    decoded = base64.b64decode(auth.authorization_header(), validate=True).decode()
                    user, _, key = decoded.partition(":")
                    assert user == USER_NAME
                    service = generation(key, "SERVICEKEY")
                    api = generation(auth.api_key_header(), "APIKEY")
                    assert service >= last_service and api >= last_api, "a generation went backwards"
                    last_service, last_api = service, api
                    # One snapshot: the pair read together always belongs together.
                    headers = auth.headers()
                    pair_user, _, pair_key = base64.b64decode(headers["Authorization"]).decode().partition(":")
                    assert pair_user == USER_NAME
                    assert generation(pair_key, "SERVICEKEY") == generation(headers["API-Key"], "APIKEY"), "mixed pair"
                    signed = auth.sign("POST", URL + "/api/ng/agents/report", "application/json", b"{}")
                    assert signed["Signature"].startswith("contrast=:")
                    reads[slot] += 1
            except BaseException as error:  # reported to the main thread
                failures.append(error)

        threads = [threading.Thread(target=read, args=(slot,)) for slot in range(READERS)]
        for thread in threads:
            thread.start()
        for i in range(1, ROTATIONS + 1):
            auth.rotate(service_key(i), api_key(i))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive()
        assert not failures, failures[0]
        assert all(count >= 20 for count in reads)
        assert auth.api_key_header() == api_key(ROTATIONS)
        assert base64.b64decode(auth.authorization_header()).decode() == f"{USER_NAME}:{service_key(ROTATIONS)}"


def test_close_waits_for_calls_in_flight_and_then_refuses():
    auth = ContrastAuth.from_credentials(URL, USER_NAME, service_key(0), api_key(0))
    errors: list = []
    started = threading.Barrier(READERS + 1)

    def read() -> None:
        started.wait()
        try:
            for _ in range(2000):
                auth.api_key_header()
        except Exception as error:  # only ClosedError is acceptable
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    started.wait()
    auth.close()
    for thread in threads:
        thread.join(timeout=60)
    assert auth.closed
    assert all(type(error).__name__ == "ClosedError" for error in errors), errors
