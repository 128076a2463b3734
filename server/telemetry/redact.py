"""The sensitive-data filter every span, export and log line passes through before it leaves memory.

Two nets. Values under sensitive keys ("password", "api-key", "apiKey", "client_secret" ...,
matched case- and separator-insensitively) are replaced whole. Free text is scanned with the rules
in `secret_shapes.py` (private keys, cloud and platform tokens, credentials in URLs and in
key/value pairs, card and identity numbers, optionally emails). A requirement that says "our
Stripe key is sk_live_..." is stored as "our Stripe key is [REDACTED:stripe_key]".
"""
from __future__ import annotations

import os
import re
from urllib.parse import unquote
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from archwright.server.telemetry.secret_shapes import EMAIL, PLACEHOLDER_START, RULES, Rule

Mode = Literal["full", "partial"]

SENSITIVE_KEY_PARTS: tuple[str, ...] = (
    "password", "passwd", "passphrase", "pwd", "token", "secret", "apikey", "authorization", "bearer", "jwt",
    "credential", "privatekey", "ssn", "accesskey", "sessionkey", "cookie",
)
_KEY_SEPARATORS = re.compile(r"[^a-z0-9]")


# While a text is scanned, each secret found is replaced by a placeholder of private-use characters
# (not letters, digits or spaces, so no rule reads one as part of a secret or a key).
_PLACEHOLDER = re.compile("\ue000([\ue100-\ue1ff])([\ue100-\ue1ff])([\ue100-\ue1ff])\ue001")


def _placeholder(index: int) -> str:
    return "\ue000" + "".join(chr(0xE100 + (index >> shift & 0xFF)) for shift in (16, 8, 0)) + "\ue001"


def _placeholder_index(match: re.Match[str]) -> int:
    high, middle, low = (ord(char) - 0xE100 for char in match.groups())
    return high << 16 | middle << 8 | low


def redacted(text: str) -> str:
    """Text redacted with the default rules (for messages written before a configured redactor is at hand)."""
    return _STANDARD.text(text)


def quoted(value: object, limit: int = 80) -> str:
    """A client's value as an error message may echo it: redacted whole first (a secret cut in half
    no longer has the shape that gives it away), then cut to `limit` characters and quoted."""
    return repr(_STANDARD.text(str(value))[:limit])


@dataclass(frozen=True)
class Redactor:
    """Redacts secrets from text, mappings and nested values; configurable, stateless."""

    mode: Mode = "full"
    emails: bool = False
    extra_patterns: tuple[str, ...] = ()
    _rules: tuple[Rule, ...] = field(init=False, repr=False)
    _cached_text: Callable[[str], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        extra = tuple(Rule("custom", re.compile(p)) for p in self.extra_patterns)
        object.__setattr__(self, "_rules", RULES + ((EMAIL,) if self.emails else ()) + extra)
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
        redacted = self._scan(value)
        if "%" in redacted:
            # A secret written URL-encoded (a query string in an access log) has lost its shape;
            # look again at the decoded text, and keep that reading only if it found something.
            decoded = unquote(redacted)
            if decoded != redacted and (again := self._scan(decoded)) != decoded:
                return again
        return redacted

    def _scan(self, value: str) -> str:
        # Markers are looked up in the original text: a replacement only ever removes text, so a
        # rule skipped here could not have matched later either.
        lowered = value.lower()
        found: list[tuple[str, str]] = []  # (secret, kind), addressed by the placeholders in `value`
        for rule in self._rules:
            if rule.hints and not any(hint in lowered for hint in rule.hints):
                continue
            value = self._apply(rule, value, found)
        if not found:
            return value
        return _PLACEHOLDER.sub(lambda m: self._mask(*found[_placeholder_index(m)]), value)

    @staticmethod
    def _apply(rule: Rule, value: str, found: list[tuple[str, str]]) -> str:
        """Replace each secret by a placeholder no later rule reads as text; masks go in at the end,
        so a partial mask ("sk_l…[REDACTED:...]") is never taken for a secret by the next rule."""
        pieces: list[str] = []
        position = 0
        for start, end in rule.spans(value):
            if start < position:  # overlapping groups of one match
                continue
            secret = value[start:end]
            if PLACEHOLDER_START in secret:  # a wider secret around an earlier one
                secret = _PLACEHOLDER.sub(lambda m: found[_placeholder_index(m)][0], secret)
            pieces.append(value[position:start])
            pieces.append(_placeholder(len(found)))
            found.append((secret, rule.kind))
            position = end
        if not pieces:
            return value
        pieces.append(value[position:])
        return "".join(pieces)

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


_STANDARD = Redactor()  # for error messages, which are written before any configured redactor is at hand
