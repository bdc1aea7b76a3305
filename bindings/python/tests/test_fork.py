"""Pre-fork servers (gunicorn --preload, uWSGI, multiprocessing with the fork start method):
a handle that has sent a report before fork() keeps working in the parent and in every
child, and no connection or TLS session crosses the fork. The test server tags each report
with its `process=<pid>` query parameter and tells which connections carried which process's
reports; two processes writing on one TLS session would show as a TLS error (bad record MAC)
there, a child closing the parent's session as a close_notify."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import signal
import ssl
import threading
from typing import Iterator, Optional
from urllib.parse import urlsplit

import pytest

from contrast_auth import ContrastAuth

from test_send import RunningServer, start_server, test_server  # noqa: F401 (fixtures)

CHILDREN = 4
REPORTS = 10


def server_json(server: RunningServer, path: str) -> dict:
    """GET a test endpoint of the server (no authentication) over its own connection."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPSConnection(
        parts.hostname, parts.port, context=ssl.create_default_context(cafile=server.ca_file), timeout=30
    )
    try:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def send_tagged(auth: ContrastAuth) -> bool:
    """One report tagged with this process's id; True when acknowledged on the first attempt."""
    outcome = auth.send("POST", f"/api/ng/report?process={os.getpid()}", "application/json", b'{"prefork":true}')
    return outcome.attempts == 1


@pytest.fixture
def auth_from_environment(monkeypatch, tmp_path, test_server) -> Iterator[ContrastAuth]:
    """A handle made the way an agent makes it (from CONTRAST__ variables), on the test server."""
    from conftest import API_KEY, SERVICE_KEY, USER_NAME

    for name in list(os.environ):
        if name.startswith("CONTRAST__") or name == "CONTRAST_CONFIG_PATH":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONTRAST__API__URL", test_server.url)
    monkeypatch.setenv("CONTRAST__API__USER_NAME", USER_NAME)
    monkeypatch.setenv("CONTRAST__API__SERVICE_KEY", SERVICE_KEY)
    monkeypatch.setenv("CONTRAST__API__API_KEY", API_KEY)
    monkeypatch.setenv("CONTRAST__API__CERTIFICATE__CA_FILE", test_server.ca_file)
    with ContrastAuth.from_environment() as auth:
        yield auth


def assert_one_connection_per_process(server: RunningServer, processes: int, accepted: int) -> None:
    by_process = server_json(server, "/Contrast/__test/processes")
    assert by_process["processes"] == processes, by_process
    assert by_process["connections"] == processes, by_process
    assert by_process["shared_connections"] == 0, by_process
    assert by_process["most_connections_per_process"] == 1, by_process
    assert by_process["fewest_connections_per_process"] == 1, by_process
    stats = server_json(server, "/Contrast/__test/stats")
    # The two statistics requests above opened their own connections.
    assert stats["tls_handshakes"] == processes + 2, stats
    assert stats["accepted"] == accepted, stats
    assert stats["rejected"] == 0, stats
    assert stats["tls_errors"] == 0, stats
    assert stats["close_notifies"] == 0, stats


def test_os_fork_children_and_parent_each_use_their_own_connection(auth_from_environment, test_server):
    auth = auth_from_environment
    assert send_tagged(auth)
    children = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:
            ok = False
            try:
                sent = sum(send_tagged(auth) for _ in range(REPORTS))
                c = auth.counters()
                # The counters were copied by the fork: 1 report and 1 handshake before it.
                ok = (sent, c.acknowledged, c.failed, c.handshakes, c.reconnects) == (REPORTS, 1 + REPORTS, 0, 2, 0)
                auth.close()
            finally:
                os._exit(0 if ok else 1)
        children.append(pid)
    sent = sum(send_tagged(auth) for _ in range(REPORTS // 2))
    for pid in children:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, f"child {pid} failed"
    # Every child has exited and closed what it inherited: the parent's connection still works.
    sent += sum(send_tagged(auth) for _ in range(REPORTS // 2))
    assert sent == REPORTS
    c = auth.counters()
    assert (c.acknowledged, c.failed, c.handshakes, c.reconnects) == (1 + REPORTS, 0, 1, 0), c
    assert_one_connection_per_process(test_server, 1 + CHILDREN, 1 + REPORTS * (1 + CHILDREN))


# The handle a multiprocessing pool's workers inherit (set before the pool forks them).
_inherited: Optional[ContrastAuth] = None


def _worker_send(_: int) -> tuple:
    assert _inherited is not None
    first_attempt = send_tagged(_inherited)
    return os.getpid(), first_attempt, _inherited.counters().failed


def test_multiprocessing_fork_pool_workers_use_their_own_connections(auth_from_environment, test_server):
    global _inherited
    _inherited = auth_from_environment
    assert send_tagged(_inherited)
    try:
        with multiprocessing.get_context("fork").Pool(CHILDREN) as pool:
            results = pool.map(_worker_send, range(REPORTS * CHILDREN), chunksize=1)
    finally:
        _inherited = None
    assert len(results) == REPORTS * CHILDREN
    assert all(first for _, first, _ in results), results
    assert all(failed == 0 for _, _, failed in results), results
    workers = {pid for pid, _, _ in results}
    assert 1 <= len(workers) <= CHILDREN
    assert os.getpid() not in workers
    assert_one_connection_per_process(test_server, 1 + len(workers), 1 + REPORTS * CHILDREN)


def test_a_call_in_flight_in_another_thread_at_fork_does_not_block_the_child(auth_from_environment, test_server):
    """A master thread inside a call (a send waiting for the server) while the master forks:
    that thread does not exist in the child, whose sends and close() must not wait for it."""
    auth = auth_from_environment
    inside = threading.Event()
    leave = threading.Event()

    def call_in_flight() -> None:
        with auth._borrow():  # what every method holds for the length of its C call
            inside.set()
            leave.wait(60)

    thread = threading.Thread(target=call_in_flight)
    thread.start()
    assert inside.wait(10)
    pid = os.fork()
    if pid == 0:
        ok = False
        try:
            signal.alarm(20)  # a child waiting for the parent's thread ends by SIGALRM
            ok = send_tagged(auth)
            auth.close()
            ok = ok and auth.closed
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    leave.set()
    thread.join()
    assert os.waitstatus_to_exitcode(status) == 0, f"child {pid}: wait status {status:#x} (SIGALRM: {signal.SIGALRM})"
    assert send_tagged(auth)
