"""Settings from the environment and command-line flags, in one place."""

from __future__ import annotations

import os
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
_LEVELS: tuple[LogLevel, ...] = ("DEBUG", "INFO", "WARNING", "ERROR")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
MAX_AGE_SECONDS = 100 * 365 * 86_400  # a century: anything older is everything
DEFAULT_RETENTION = "30d"


def parse_age(text: str) -> float:
    """'30d', '12h', '90m', '2w' in seconds; raises ValueError naming the accepted forms."""
    found = _AGE.match(text)
    if not found:
        raise ValueError(f"{text!r} is not an age; use a number with s, m, h, d or w (for example 30d or 12h)")
    seconds = float(found.group(1)) * _SECONDS[found.group(2).lower()]
    if seconds > MAX_AGE_SECONDS:
        raise ValueError(f"{text!r} is longer than the 100 years an age may be")
    return seconds


def user_data_dir() -> Path:
    """The platform's per-user data folder for Archwright."""
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")) / "archwright"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "archwright"
    return Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share")) / "archwright"


def resolve_db(value: str | None) -> str:
    """The database to use: a path, or ':memory:' (a private in-memory database, shared inside this
    process under a unique name so the span writer and the readers see the same data)."""
    if value == ":memory:":
        return f"file:archwright-{uuid.uuid4().hex}?mode=memory&cache=shared"
    if value:
        return str(Path(value).expanduser())
    return str(user_data_dir() / "archwright.db")


@dataclass(frozen=True)
class Settings:
    """How this process runs. Defaults work offline with nothing configured."""

    log_level: LogLevel = "INFO"
    db_path: str = ""
    retention_seconds: float | None = None
    tracing: bool = True

    @classmethod
    def from_env(cls, *, verbose: int = 0, db: str | None = None) -> Settings:
        """ARCHWRIGHT_LOG_LEVEL (each -v lowers it one step), ARCHWRIGHT_DB (or --db),
        ARCHWRIGHT_RETENTION (default 30d; 'off' keeps everything) for pruning at start, and
        ARCHWRIGHT_TRACING=off to record no traces at all."""
        raw = os.environ.get("ARCHWRIGHT_LOG_LEVEL", "INFO").strip().upper()
        level: LogLevel = raw if raw in _LEVELS else "INFO"  # type: ignore[assignment]
        retention = os.environ.get("ARCHWRIGHT_RETENTION", DEFAULT_RETENTION).strip()
        return cls(
            log_level=_LEVELS[max(0, _LEVELS.index(level) - verbose)],
            db_path=resolve_db(db or os.environ.get("ARCHWRIGHT_DB")),
            retention_seconds=None if retention.lower() in {"off", "0", "none", ""} else parse_age(retention),
            tracing=os.environ.get("ARCHWRIGHT_TRACING", "on").strip().lower() not in {"off", "0", "false", "no"},
        )
