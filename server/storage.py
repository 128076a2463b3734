"""The process's database handle: opened on first use, shared by trace reads and workflow runs."""

from __future__ import annotations

import anyio

from archwright.server.store import Store, StoreError


class Storage:
    """Opens the SQLite store once, on demand; remembers why when it cannot."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.error: str | None = None
        self._store: Store | None = None
        self._lock = anyio.Lock()

    async def store(self) -> Store:
        """The open store. Raises StoreError (also kept in `error`) when the file is unusable."""
        async with self._lock:
            if self._store is None:
                try:
                    self._store = await Store.open(self.path)
                    self.error = None
                except StoreError as error:
                    self.error = str(error)
                    raise
            return self._store

    async def close(self) -> None:
        if self._store is not None:
            await self._store.close()
            self._store = None
