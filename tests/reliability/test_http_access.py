"""Who may talk to `archwright serve --transport http`: loopback by default; elsewhere only with a
bearer token and an explicit host list; Host headers matched exactly; refusals change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archwright.server.http import AccessError, access_for

EXECUTABLE = Path(sys.executable).with_name("archwright")
TOKEN = "t0k3n-for-tests-0123456789"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}}}


def _post(port: int, *, host: str | None = None, token: str | None = None,
          body: dict | None = None) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/mcp", data=json.dumps(body or INITIALIZE).encode(),
                                     method="POST", headers={"content-type": "application/json",
                                                             "accept": "application/json, text/event-stream"})
    if host:
        request.add_header("Host", host)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def loopback(tmp_path: Path, http_servers) -> Iterator[int]:
    server = http_servers(tmp_path / "http.db")
    yield server.port
    stderr = server.stop()
    assert all(line.startswith("{") for line in stderr.splitlines() if line.strip()), stderr[-2000:]


@pytest.mark.slow
def test_loopback_accepts_its_own_names_and_refuses_lookalike_hosts(loopback: int) -> None:
    assert _post(loopback) == 200
    assert _post(loopback, host=f"localhost:{loopback}") == 200
    for hostile in (f"127.0.0.1:{loopback}@evil.example", "127.0.0.1:1@evil.example", "evil.example",
                    f"127.0.0.1.evil.example:{loopback}", f"localhost:{loopback}.evil.example"):
        assert _post(loopback, host=hostile) == 421, hostile


def test_binding_beyond_loopback_needs_a_token_and_a_host_list() -> None:
    with pytest.raises(AccessError, match="ARCHWRIGHT_TOKEN"):
        access_for("0.0.0.0", 8765, {})
    with pytest.raises(AccessError, match="ARCHWRIGHT_ALLOWED_HOSTS"):
        access_for("0.0.0.0", 8765, {"ARCHWRIGHT_TOKEN": TOKEN})
    with pytest.raises(AccessError, match="at least 16"):
        access_for("0.0.0.0", 8765, {"ARCHWRIGHT_TOKEN": "short", "ARCHWRIGHT_ALLOWED_HOSTS": "a.example"})
    access = access_for("0.0.0.0", 8765, {"ARCHWRIGHT_TOKEN": TOKEN, "ARCHWRIGHT_ALLOWED_HOSTS": "a.example"})
    assert access.allowed_hosts == ("a.example:8765", "a.example") and access.token == TOKEN


def test_the_command_refuses_an_open_bind_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([str(EXECUTABLE), "--db", str(tmp_path / "x.db"), "serve", "--transport", "http",
                           "--host", "0.0.0.0", "--port", "8765"],
                          capture_output=True, text=True, timeout=30,
                          env={k: v for k, v in os.environ.items() if not k.startswith("ARCHWRIGHT_TOKEN")})
    assert done.returncode == 2 and "ARCHWRIGHT_TOKEN" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_with_a_token_every_request_must_carry_it_and_refusals_store_nothing(tmp_path: Path, http_servers) -> None:
    server = http_servers(tmp_path / "http.db", ARCHWRIGHT_TOKEN=TOKEN)
    port = server.port
    try:
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": "generate_report", "arguments": {"requirement": "A chat app for 5k users"}}}
        assert _post(port) == 401
        assert _post(port, token="wrong-token-0123456789") == 401
        assert _post(port, body=call) == 401
        assert _post(port, token=TOKEN) == 200
    finally:
        server.stop()
    listed = subprocess.run([str(EXECUTABLE), "--db", str(tmp_path / "http.db"), "runs"], capture_output=True,
                            text=True, timeout=30)
    assert listed.stdout == "", "a refused call ran nothing"
