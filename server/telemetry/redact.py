"""The sensitive-data filter every span, export and log line passes through before it leaves memory.

Two nets. Values under sensitive keys ("password", "api-key", "apiKey", "client_secret" ...,
matched case- and separator-insensitively) are replaced whole. Free text is scanned for secrets
that carry their own shape: cloud access keys, GitHub/Slack/Stripe/Google tokens, JWTs, bearer
and basic authorization headers, PEM private keys, card numbers that pass the Luhn check, US
social security numbers, `password=...` pairs, and (optionally) email addresses. A requirement
that says "our Stripe key is sk_live_..." is stored as "our Stripe key is [REDACTED:stripe_key]".
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

Mode = Literal["full", "partial"]

SENSITIVE_KEY_PARTS: tuple[str, ...] = (
    "password", "passwd", "passphrase", "pwd", "token", "secret", "apikey", "authorization", "bearer", "jwt",
    "credential", "privatekey", "ssn", "accesskey", "sessionkey", "cookie",
)
_KEY_SEPARATORS = re.compile(r"[^a-z0-9]")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_card(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group())
    return 13 <= len(digits) <= 19 and _luhn_ok(digits)


@dataclass(frozen=True)
class _Rule:
    kind: str
    regex: re.Pattern[str]
    accept: Callable[[re.Match[str]], bool] | None = None
    group: int = 0


_RULES: tuple[_Rule, ...] = (
    _Rule("private_key", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)")),
    _Rule("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")),
    _Rule("authorization", re.compile(r"(?i)\b(?:bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{12,}")),
    _Rule("aws_access_key", re.compile(r"\b(?:AKIA|ASIA|AIDA|AGPA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b")),
    _Rule("aws_secret_key", re.compile(
        r"(?i)(?:aws.{0,20})?secret.{0,20}?[:=]\s*['\"]?([A-Za-z0-9/+=]{40})\b"), group=1),
    _Rule("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b")),
    _Rule("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    _Rule("slack_webhook", re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+")),
    _Rule("stripe_key", re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9]{10,}")),
    _Rule("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    _Rule("api_key", re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}")),
    _Rule("secret_assignment", re.compile(
        r"(?i)\b(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|client[_-]?secret|access[_-]?key)"
        r"\s*(?:[:=]|\bis\b)\s*['\"]?(?!\[REDACTED)([^\s'\",;]{4,})"), group=1),
    _Rule("card_number", re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])"), accept=_is_card),
    _Rule("us_ssn", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")),
)
_EMAIL = _Rule("email", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"))


@dataclass(frozen=True)
class Redactor:
    """Redacts secrets from text, mappings and nested values; configurable, stateless."""

    mode: Mode = "full"
    emails: bool = False
    extra_patterns: tuple[str, ...] = ()
    _rules: tuple[_Rule, ...] = field(init=False, repr=False)
    _cached_text: Callable[[str], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        extra = tuple(_Rule("custom", re.compile(p)) for p in self.extra_patterns)
        object.__setattr__(self, "_rules", _RULES + ((_EMAIL,) if self.emails else ()) + extra)
        # Span names and attribute values repeat constantly ("execute_tool analyze_requirements",
        # "ride_sharing"); remembering recent answers keeps redaction off the tracing budget.
        object.__setattr__(self, "_cached_text", lru_cache(maxsize=4096)(self._text))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Redactor:
        """ARCHWRIGHT_REDACT_MODE=full|partial, ARCHWRIGHT_REDACT_EMAILS=1, and
        ARCHWRIGHT_REDACT_PATTERNS: extra regular expressions, one per line."""
        env = os.environ if env is None else env
        mode = env.get("ARCHWRIGHT_REDACT_MODE", "full").strip().lower()
        patterns = tuple(p for p in env.get("ARCHWRIGHT_REDACT_PATTERNS", "").splitlines() if p.strip())
        return cls(
            mode="partial" if mode == "partial" else "full",
            emails=env.get("ARCHWRIGHT_REDACT_EMAILS", "").strip().lower() in {"1", "true", "yes", "on"},
            extra_patterns=patterns,
        )

    def _mask(self, secret: str, kind: str) -> str:
        if self.mode == "partial" and len(secret) >= 12:
            return f"{secret[:4]}…[REDACTED:{kind}]"
        return f"[REDACTED:{kind}]"

    def text(self, value: str) -> str:
        """The text with every recognised secret replaced."""
        return self._cached_text(value) if len(value) <= 512 else self._text(value)

    def _text(self, value: str) -> str:
        for rule in self._rules:
            value = self._apply(rule, value)
        return value

    def _apply(self, rule: _Rule, value: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if rule.accept is not None and not rule.accept(match):
                return match.group()
            if rule.group:
                start, end = match.span(rule.group)
                whole_start = match.start()
                secret = match.group(rule.group)
                whole = match.group()
                return whole[: start - whole_start] + self._mask(secret, rule.kind) + whole[end - whole_start :]
            return self._mask(match.group(), rule.kind)

        return rule.regex.sub(replace, value)

    @staticmethod
    def is_sensitive_key(key: str) -> bool:
        normalised = _KEY_SEPARATORS.sub("", key.lower())
        return any(part in normalised for part in SENSITIVE_KEY_PARTS)

    def value(self, value: Any, key: str | None = None) -> Any:
        """Redact a value of any JSON-like shape; everything under a sensitive key is replaced."""
        if key is not None and self.is_sensitive_key(key) and value not in (None, "", [], {}):
            return "[REDACTED:sensitive_key]" if isinstance(value, dict | list | tuple) else \
                self._mask(str(value), "sensitive_key")
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.value(v) for v in value)
        return value

    def mapping(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: self.value(v, k) for k, v in values.items()}

    def strings(self, values: Iterable[str]) -> list[str]:
        return [self.text(v) for v in values]
