"""The redactor against a corpus of 60+ kinds of secret, ordinary requirement text, and hostile input.

The corpus lives in secret_corpus.py (plain data, importable by other tests). Every sample must lose
its secret through `Redactor().text()` (alone and inside a longer requirement); JSON-ish samples
also through `Redactor().value()`; ordinary sentences must come back unchanged; and 20,000
characters of hostile input of every shape must be scanned without catastrophic backtracking.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from archwright.server.telemetry.redact import Redactor


def _load_corpus():
    name = "archwright_secret_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("secret_corpus.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


corpus = _load_corpus()
SECRETS: dict[str, str] = corpus.SECRETS
ORDINARY: list[str] = corpus.ORDINARY


def _leaks(kind: str, redacted: str) -> list[str]:
    return [core for core in corpus.cores(kind) if core in redacted]


def test_the_corpus_covers_sixty_kinds_and_forty_ordinary_sentences() -> None:
    assert len(SECRETS) >= 60
    assert set(corpus.CORES) == set(SECRETS)
    assert all(corpus.CORES[kind] and all(corpus.CORES[kind]) for kind in SECRETS)
    for kind, sample in SECRETS.items():
        assert corpus.cores(sample)[0] in sample, kind  # later cores may be normalised forms (card digits)
        assert corpus.cores(sample) == corpus.cores(kind)
    assert len(ORDINARY) >= 40
    assert len(corpus.JSONISH) >= 4


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_every_secret_is_redacted_from_free_text(kind: str) -> None:
    sample = SECRETS[kind]
    redacted = Redactor().text(sample)
    assert not _leaks(kind, redacted), redacted
    assert "[REDACTED:" in redacted


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_every_secret_is_redacted_inside_a_longer_requirement(kind: str) -> None:
    text = (f"A ride-sharing app for 100k daily users; note for {kind.replace('_', ' ')}: {SECRETS[kind]}"
            " (keep this part) " + "Peak load is 12,000 requests per second. " * 12)
    redacted = Redactor().text(text)
    assert len(text) > 512  # the uncached path
    assert not _leaks(kind, redacted), redacted
    assert "(keep this part)" in redacted and "A ride-sharing app for 100k daily users" in redacted


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_partial_mode_hides_the_secret_too(kind: str) -> None:
    redacted = Redactor(mode="partial").text(SECRETS[kind])
    leaks = [core for core in corpus.cores(kind) if core in redacted and len(core) > 4]
    assert not leaks, redacted


@pytest.mark.parametrize("kind", sorted(corpus.JSONISH))
def test_json_ish_samples_are_redacted_through_value(kind: str) -> None:
    sample = SECRETS[kind]
    redactor = Redactor()
    nested = redactor.value({"requirement": sample, "notes": [sample, {"text": sample}]})
    dumped = json.dumps(nested)
    assert not [core for core in corpus.cores(kind) if core in dumped], dumped
    start, end = sample.find("{"), sample.rfind("}")
    try:
        parsed = json.loads(sample[start:end + 1])
    except ValueError:
        return  # dict-like, not JSON: the free-text pass above is what applies
    dumped = json.dumps(redactor.value(parsed))
    assert not [core for core in corpus.cores(kind) if core in dumped], dumped


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_requirement_text_is_unchanged(text: str) -> None:
    assert Redactor().text(text) == text
    assert Redactor().value({"requirement": text}) == {"requirement": text}


def test_labels_around_secrets_survive() -> None:
    redactor = Redactor()
    assert redactor.text("DB_PASSWORD=pg-prod-8f3k2m9x") == "DB_PASSWORD=[REDACTED:secret_assignment]"
    assert redactor.text("postgres://app:Sup3rS3cret!@db:5432/rides") == \
        "postgres://app:[REDACTED:database_password]@db:5432/rides"
    assert redactor.text('{"Password": "hunter22"}') == '{"Password": "[REDACTED:secret_assignment]"}'
    assert redactor.text("card-4111111111111111") == "card-[REDACTED:card_number]"
    assert redactor.text("SSN 123 45 6789") == "SSN [REDACTED:us_ssn]"


HOSTILE_UNITS = {
    "dashes": "-", "equals": "=", "colons": ":", "ats": "@", "slashes": "/", "letters": "a", "digits": "1",
    "spaces": " ", "digit-space": "1 ", "digit-dash": "1-", "word-equals": "a=", "word-colon": "a:",
    "word-at": "a@", "word-slash": "a/", "word-dot": "a.", "quotes": '"', "backslashes": "\\", "tabs": "\t",
    "newlines": "\n", "upper": "A", "base64": "Aa0+/", "hex": "0f", "key-dashes": "key-",
    "password-eq": "password=", "password-is": "password is ", "secret-space": "secret ",
    "aws-secret": "aws secret ", "token-space": "token ", "json-key": '"password": ',
    "json-open": '{"password": "', "url": "postgres://u:", "url-at": "https://a:b@", "scheme": "a://",
    "begin": "-----BEGIN ", "pem": "-----BEGIN RSA PRIVATE KEY-----", "env": "export A_TOKEN=",
    "cookie": "Cookie: a=b; ", "sig": "?sig=", "q-tilde": "a8Q~", "mixed": "a-1 :=@/", "iban": "GB82 ",
    "ssn": "123 45 ", "card": "4111 ", "words": "the token is ", "camel": "dbPassword: ", "datadog": "dd:",
    "auth": "auth:", "secret-is": "secret is ", "many-pairs": "password=abc1 ",
    "many-cards": "4111111111111111 ", "many-keys": "AKIAIOSFODNN7EXAMPLE ", "many-urls": "https://u:p@h ",
    "email": "a.b@",
}


def _hostile(unit: str, prefix: str = "") -> str:
    return (prefix + unit * (20_000 // len(unit) + 1))[:20_000]


@pytest.mark.parametrize("name", sorted(HOSTILE_UNITS))
def test_hostile_input_of_every_shape_is_scanned(name: str) -> None:
    unit = HOSTILE_UNITS[name]
    redactor = Redactor(emails=True)
    # Bare, behind a marker that switches every rule on, and with an unmatched tail.
    for text in (_hostile(unit), _hostile(unit, "password token secret key :// eyJ "), _hostile(unit) + "!x"):
        assert isinstance(redactor.text(text), str)


@pytest.mark.parametrize("glued", [
    "_AKIA2E0A8F3B244C9986", "AKIA2E0A8F3B244C9986xxxx", "xghp_Zq8XkLmN3pR7tY2wV9bC4dF6gH1jK5sA0eU3",
    "tool_ghp_Zq8XkLmN3pR7tY2wV9bC4dF6gH1jK5sA0eU3_x", "1sk_live_51H8xYzAbCdEfGhIjKlMnOpQr7",
    "%3Dpostgres://dbuser:S3cretPassw0rd9@db.host.internal:5432/prod",
    "éeyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
])
def test_a_secret_glued_to_other_text_is_still_found(glued: str) -> None:
    """Vendor-marked tokens need no word boundary before them: an id or a tool name built around
    a token ('tool_ghp_...') must not carry it through."""
    redacted = Redactor().text(glued)
    assert "[REDACTED:" in redacted, redacted


def test_a_url_encoded_secret_is_found_in_its_decoded_form() -> None:
    logged = 'GET /mcp?x=postgres%3A%2F%2Fu%3Apw_hunter3%40h%2Fdb HTTP/1.1'
    redacted = Redactor().text(logged)
    assert "pw_hunter3" not in redacted and "[REDACTED:" in redacted
    assert Redactor().text("50%25 off for 100%3A1 ratios") == "50%25 off for 100%3A1 ratios"
