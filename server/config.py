"""Settings from the environment and command-line flags, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
_LEVELS: tuple[LogLevel, ...] = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Settings:
    """How this process runs. Defaults work offline with nothing configured."""

    log_level: LogLevel = "INFO"

    @classmethod
    def from_env(cls, *, verbose: int = 0) -> Settings:
        """ARCHWRIGHT_LOG_LEVEL sets the level; each -v on the command line lowers it one step."""
        raw = os.environ.get("ARCHWRIGHT_LOG_LEVEL", "INFO").strip().upper()
        level: LogLevel = raw if raw in _LEVELS else "INFO"  # type: ignore[assignment]
        index = max(0, _LEVELS.index(level) - verbose)
        return cls(log_level=_LEVELS[index])
