"""Issue 16 items 1-2: a --scheduler address that is not a Dask scheduler.

Before, a client connected to an HTTP server waited without limit, and one connected to
a server that talks first read its bytes as frame lengths ("Unable to allocate 3.07
EiB") and crashed with a traceback.  Both are now a BackendError within the timeout.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from negotia.ensemble.backends import DaskBackend, probe_scheduler
from negotia.errors import BackendError, ParameterError
from tests.conftest import run_cli


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Banner(socketserver.BaseRequestHandler):
    """Talks first, like an SSH server: bytes that are no Dask frame."""

    def handle(self) -> None:
        self.request.sendall(b"SSH-2.0-OpenSSH_9.6\r\n" + bytes(range(256)) * 4)
        with contextlib.suppress(OSError):
            self.request.recv(1024)


def _serve(server: socketserver.BaseServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"tcp://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_address() -> Iterator[str]:
    yield from _serve(HTTPServer(("127.0.0.1", 0), _Quiet))


@pytest.fixture
def banner_address() -> Iterator[str]:
    yield from _serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Banner))


def test_http_server_is_not_a_scheduler(http_address: str) -> None:
    with pytest.raises(BackendError, match=r"no Dask scheduler answered at .* within 1 s"):
        probe_scheduler(http_address, 1)


def test_server_that_talks_first_is_not_a_scheduler(banner_address: str) -> None:
    with pytest.raises(BackendError) as e:
        DaskBackend(banner_address, timeout=2)
    assert banner_address in str(e.value)
    assert "EiB" not in str(e.value)


def test_closed_port_is_a_backend_error() -> None:
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(BackendError, match="Dask scheduler"):
        probe_scheduler(f"tcp://127.0.0.1:{port}", 1)


@pytest.mark.parametrize("timeout", [0, -1, float("nan")])
def test_timeout_must_be_positive(timeout: float) -> None:
    with pytest.raises(ParameterError, match="timeout must be a positive number"):
        probe_scheduler("tcp://127.0.0.1:9", timeout)


def test_cli_scheduler_that_is_an_http_server(http_address: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("montecarlo", "ukraine-2025", "-n", "10", "--scheduler", http_address, "--timeout", "1")
    assert r.returncode == 2, r.stderr
    assert "no Dask scheduler answered" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
