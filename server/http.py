"""MCP over streamable HTTP, served safely: loopback by default; anywhere else only with a bearer
token and an explicit list of host names, checked exactly.

The SDK's own Host check accepts any Host that starts with an allowed name and a colon, so
`127.0.0.1:1@evil.example` passed it; here every allowed Host is spelled out with its port and
compared whole. Requests without the token are refused before they reach the MCP app, so a
refusal has no side effect. Uvicorn's logs go through the process's JSON log handler.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("archwright.http")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN_CHARS = 16


class AccessError(ValueError):
    """The HTTP server may not start as asked; the message says what to set."""


@dataclass(frozen=True)
class Access:
    """Who may talk to the HTTP server: the Host and Origin values accepted, and the bearer token."""

    allowed_hosts: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    token: str | None


def _with_port(name: str, port: int) -> tuple[str, ...]:
    """A host name as Host headers carry it: with the port, and bare for the default ports."""
    name = name.strip()
    if name.startswith("[") or ":" not in name:  # a name or a bracketed IPv6 address, no port
        return (f"{name}:{port}", name)
    if name.count(":") > 1:  # a bare IPv6 address
        return (f"[{name}]:{port}",)
    return (name,)


def access_for(host: str, port: int, env: Mapping[str, str] | None = None) -> Access:
    """The access rules for serving on host:port. ARCHWRIGHT_TOKEN (a bearer token every request
    must carry), ARCHWRIGHT_ALLOWED_HOSTS and ARCHWRIGHT_ALLOWED_ORIGINS (comma-separated) come
    from the environment; binding beyond loopback requires the token and the host list."""
    env = os.environ if env is None else env
    token = env.get("ARCHWRIGHT_TOKEN", "").strip() or None
    extra_hosts = [h for h in env.get("ARCHWRIGHT_ALLOWED_HOSTS", "").split(",") if h.strip()]
    origins = tuple(o.strip() for o in env.get("ARCHWRIGHT_ALLOWED_ORIGINS", "").split(",") if o.strip())
    loopback = host in LOOPBACK
    if not loopback and token is None:
        raise AccessError(f"serving on {host} (beyond this machine) needs ARCHWRIGHT_TOKEN: a secret of at least "
                          f"{MIN_TOKEN_CHARS} characters that every client sends as 'Authorization: Bearer ...'")
    if not loopback and not extra_hosts:
        raise AccessError(f"serving on {host} needs ARCHWRIGHT_ALLOWED_HOSTS: the host names clients use to reach "
                          "this server, comma-separated (for example archwright.internal.example)")
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise AccessError(f"ARCHWRIGHT_TOKEN is {len(token)} characters; use at least {MIN_TOKEN_CHARS}")
    local = (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}") if loopback else ()
    hosts = tuple(dict.fromkeys((*local, *(h for name in extra_hosts for h in _with_port(name, port)))))
    local_origins = tuple(f"http://{name}:{port}" for name in ("127.0.0.1", "localhost")) if loopback else ()
    return Access(allowed_hosts=hosts, allowed_origins=local_origins + origins, token=token)


class BearerToken:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self._app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                logger.warning("refused an HTTP request without the right bearer token",
                               extra={"path": str(scope.get("path", ""))[:200]})
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"www-authenticate", b'Bearer realm="archwright"'),
                                        (b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"Missing or wrong bearer token.\n"})
                return
        await self._app(scope, receive, send)


class _QuietSignals(uvicorn.Server):
    """Uvicorn, minus its signal handling: the command owns SIGTERM and SIGINT (it flushes spans
    and logs one line), and uvicorn would re-raise the signal after shutting down."""

    def capture_signals(self):  # type: ignore[no-untyped-def, override]
        import contextlib

        return contextlib.nullcontext()


def http_app(server: MCPServer, access: Access) -> ASGIApp:
    security = TransportSecuritySettings(enable_dns_rebinding_protection=True,
                                         allowed_hosts=list(access.allowed_hosts),
                                         allowed_origins=list(access.allowed_origins))
    app: ASGIApp = server.streamable_http_app(transport_security=security)
    return BearerToken(app, access.token) if access.token else app


async def serve_http(server: MCPServer, host: str, port: int, access: Access) -> None:
    """Serve until cancelled; on cancellation uvicorn is asked to stop and given a moment to."""
    config = uvicorn.Config(http_app(server, access), host=host, port=port, log_config=None, access_log=True,
                            lifespan="on")
    web = _QuietSignals(config)
    try:
        await web.serve()
    finally:
        web.should_exit = True
