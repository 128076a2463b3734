"""Storage by domain over one SQLite file: the `Database` that owns it, its schema, then one module
per kind of record (spans, runs) and the retention rule that keeps it small."""

from archwright.server.store.database import BUSY_TIMEOUT_MS, Database, connect, prepare
from archwright.server.store.schema import MIGRATIONS, SCHEMA_VERSION, StoreError, migrate, schema_version

__all__ = ["BUSY_TIMEOUT_MS", "MIGRATIONS", "SCHEMA_VERSION", "Database", "StoreError", "connect", "migrate",
           "prepare", "schema_version"]
