"""No secret survives into the database, an OTLP collector, or the logs.

A corpus of 40+ secrets of every kind the filter knows is put where secrets leak in practice:
span attributes (free text and sensitive keys), events, status messages and log lines. Spans go
to a real SQLite file and, over real HTTP, to an OTLP receiver on loopback started by the test.
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.trace import Status, StatusCode

from archwright.server.telemetry.logs import JsonLineFormatter
from archwright.server.telemetry.redact import Redactor
from archwright.server.telemetry.tracing import setup_telemetry

PEM_RSA = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
           "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----")
PEM_EC = ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oDmkcT1wFA1uoAoGCCqGSM49\n"
          "-----END EC PRIVATE KEY-----")
SECRETS: dict[str, str] = {
    "aws access key 1": "AKIAIOSFODNN7EXAMPLE",
    "aws access key 2": "ASIAY34FZKBOKMUTVV7A",
    "aws access key 3": "AKIAJ5Q7R2X9EXAMPLE2",
    "aws secret 1": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws secret 2": "AWS_SECRET=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "github pat classic": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "github oauth": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "github server": "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
    "github fine-grained": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
    "slack bot": "xoxb-2048291234-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack user": "xoxp-2048291234-2048291234-2048291234-0123456789abcdef0123456789abcdef",
    "slack webhook": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "stripe live": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "stripe test": "sk_test_51H8xYzABCDEF0123456789abcdef",
    "stripe restricted": "rk_live_51H8xYzABCDEF0123456789abcdef",
    "stripe webhook": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "google api key 1": "AIzaSyA-1234567890abcdefghijklmnopqrstu",
    "google api key 2": "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
    "openai key": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
    "anthropic key": "sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345",
    "jwt 1": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
             "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "jwt 2": "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhcmNod3JpZ2h0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "jwt 3": "eyJraWQiOiIxIn0.eyJhdWQiOiJhcGkifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
    "bearer header 1": "Authorization: Bearer 0123456789abcdefABCDEF.xyz",
    "bearer header 2": "bearer ya29.a0AfH6SMBx3kQ-long-google-oauth-token",
    "bearer header 3": "Authorization: Bearer mF_9.B5f-4.1JqM",
    "basic header": "Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQxMjM=",
    "pem rsa": PEM_RSA,
    "pem ec": PEM_EC,
    "visa": "4111 1111 1111 1111",
    "visa dashes": "4012-8888-8888-1881",
    "mastercard": "5555555555554444",
    "amex": "3782 822463 10005",
    "discover": "6011111111111117",
    "jcb": "3530111333300000",
    "ssn 1": "123-45-6789",
    "ssn 2": "078-05-1120",
    "ssn 3": "219-09-9999",
    "password pair": "password=Tr0ub4dor&3",
    "passwd pair": "passwd: correcthorsebattery",
    "api key pair": "api_key=9f8e7d6c5b4a39281706",
    "client secret pair": "client_secret: s3cr3t-v4lu3-0987",
    "token is": "our token is 7c1f2a9e4b3d8c6f",
}
SENSITIVE_KEYS = {"api-key": "k-3141592653", "apiKey": "k-2718281828", "client_secret": "cs-1618033988",
                  "Authorization": "opaque-1414213562", "x-api-key": "k-1732050807", "db_password": "pw-2236067977"}


def _cores(secret: str) -> list[str]:
    """The parts of a secret that must not appear anywhere: the value after a label, the digits of a card."""
    core = secret
    for separator in ("=", ": ", " is "):
        label, found, value = core.partition(separator)
        if found and value and len(label) <= 25 and "\n" not in label:
            core = value.strip()
    core = core.removeprefix("Bearer ").removeprefix("bearer ").removeprefix("Basic ")
    assert core, secret
    pieces = [core]
    digits = "".join(ch for ch in core if ch.isdigit())
    if len(digits) >= 13 and digits == core.replace(" ", "").replace("-", ""):
        pieces.append(digits)
    if "PRIVATE KEY" in core:
        pieces = [line for line in core.splitlines() if "PRIVATE KEY" not in line]
    return pieces


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def otlp_receiver(monkeypatch: pytest.MonkeyPatch):
    _Receiver.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    yield _Receiver.bodies
    server.shutdown()


def test_the_corpus_is_large_enough() -> None:
    assert len(SECRETS) + len(SENSITIVE_KEYS) >= 40


def test_no_secret_reaches_the_database_the_collector_or_the_logs(tmp_path, otlp_receiver) -> None:
    db = tmp_path / "traces.db"
    telemetry = setup_telemetry(str(db), redactor=Redactor(), install_global=False, schedule_delay_millis=10)
    assert telemetry.otlp_endpoint, "the OTLP exporter must be configured from OTEL_EXPORTER_OTLP_ENDPOINT"
    log_output = io.StringIO()
    handler = logging.StreamHandler(log_output)
    handler.setFormatter(JsonLineFormatter(Redactor()))
    log = logging.getLogger("archwright.test.redaction")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    tracer = telemetry.tracer()
    try:
        for label, secret in SECRETS.items():
            text = f"A ride-sharing app for 100k daily users; note for {label}: {secret} (keep this part)"
            with tracer.start_as_current_span(f"execute_tool {label}", attributes={
                "archwright.note": text, "archwright.list": [text, "plain"], **SENSITIVE_KEYS,
            }) as span:
                span.add_event("input", {"requirement": text, "apiKey": secret})
                span.set_status(Status(StatusCode.ERROR, f"failed with {secret}"))
                log.info("handling %s", text, extra={"requirement": text, "password": secret})
        telemetry.flush()
    finally:
        telemetry.shutdown()
        log.removeHandler(handler)

    connection = sqlite3.connect(db)
    stored = "\n".join(connection.iterdump())
    connection.close()
    collected = b"".join(otlp_receiver)
    logs = log_output.getvalue()
    assert "keep this part" in stored and b"keep this part" in collected and "keep this part" in logs
    assert stored.count("execute_tool") >= len(SECRETS)
    leaks = []
    for label, secret in SECRETS.items():
        for core in _cores(secret):
            for where, haystack in (("database", stored), ("logs", logs)):
                if core in haystack:
                    leaks.append(f"{label} in {where}")
            if core.encode() in collected:
                leaks.append(f"{label} in OTLP")
    for key, value in SENSITIVE_KEYS.items():
        for where, haystack in (("database", stored), ("logs", logs), ("OTLP", collected.decode("latin-1"))):
            if value in haystack:
                leaks.append(f"{key} value in {where}")
    assert not leaks, leaks
    assert json.loads(logs.splitlines()[0])["password"] == "[REDACTED:sensitive_key]"


@pytest.mark.parametrize("text", [
    "A ride-sharing app for 100k daily users with real-time tracking and payments",
    "Order 1234 5678 shipped on 2026-11-23; call 555-0100",
    "Peak load 12,000 requests per second at 09:30",
    "Tracking number 4111 1111 1111 1112 (fails Luhn)",
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor().text(text) == text


def test_partial_mode_keeps_a_recognisable_prefix_and_emails_are_optional() -> None:
    assert Redactor(mode="partial").text("key sk_live_4eC39HqLyjWDarjtT1zdp7dc") == "key sk_l…[REDACTED:stripe_key]"
    assert Redactor().text("mail ana@example.com") == "mail ana@example.com"
    assert Redactor(emails=True).text("mail ana@example.com") == "mail [REDACTED:email]"


def test_extra_patterns_come_from_the_environment() -> None:
    redactor = Redactor.from_env({"ARCHWRIGHT_REDACT_PATTERNS": r"ACME-\d{6}", "ARCHWRIGHT_REDACT_MODE": "full"})
    assert redactor.text("ticket ACME-123456 open") == "ticket [REDACTED:custom] open"


def test_sensitive_keys_match_case_and_separator_insensitively() -> None:
    for key in ("api-key", "apiKey", "API_KEY", "Api Key", "client-secret", "privateKey", "X-Auth-Token"):
        assert Redactor.is_sensitive_key(key), key
    for key in ("domain", "features", "tier", "keyboard"):
        assert not Redactor.is_sensitive_key(key), key
