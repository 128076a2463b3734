"""Conversations: threads owned by a resource (a user), their messages with tool calls and results,
and each thread's working memory. Everything is redacted before it is written.

Working memory updates merge: an object is merged field by field, `null` deletes a field, a list
is replaced whole, so a new fact never erases an unrelated one.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from archwright.server.agent.messages import Message, ToolCallRequest
from archwright.server.store.database import Database

CHARS_PER_TOKEN = 4  # a conservative estimate for English and JSON; the history budget is in tokens


class ThreadInfo(BaseModel):
    thread_id: str
    resource_id: str | None
    title: str | None
    created_ns: int
    updated_ns: int
    message_count: int = 0
    uri: str = ""


class StoredMessage(BaseModel):
    message_id: str
    message: Message
    created_ns: int
    metadata: dict[str, Any] = Field(default_factory=dict)


def merge(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """`update` over `current`: objects merge field by field, None deletes, anything else replaces."""
    merged = dict(current)
    for key, value in update.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def tokens(message: Message) -> int:
    size = len(message.content) + sum(len(json.dumps(c.arguments)) + len(c.name) for c in message.tool_calls)
    return max(1, size // CHARS_PER_TOKEN)


class ThreadStore:
    def __init__(self, database: Database, redact: Callable[[Any], Any] = lambda value: value) -> None:
        self._database = database
        self._redact = redact

    def redact(self, value: Any) -> Any:
        """A value as this store would keep it."""
        return self._redact(value)

    async def create(self, *, resource_id: str | None = None, title: str | None = None,
                     thread_id: str | None = None) -> ThreadInfo:
        now = time.time_ns()
        thread_id = thread_id or uuid.uuid4().hex
        title = self._redact(title) if title else None
        # Idempotent: two calls that start the same thread id at once both get it.
        await self._database.write(
            "INSERT OR IGNORE INTO threads (thread_id, resource_id, title, metadata, created_ns, updated_ns) "
            "VALUES (?, ?, ?, '{}', ?, ?)", (thread_id, resource_id, title, now, now))
        return ThreadInfo(thread_id=thread_id, resource_id=resource_id, title=title, created_ns=now, updated_ns=now,
                          uri=thread_uri(thread_id))

    async def get(self, thread_id: str) -> ThreadInfo | None:
        row = await self._database.fetch_one(
            "SELECT t.thread_id, t.resource_id, t.title, t.created_ns, t.updated_ns, "
            "(SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.thread_id) FROM threads t WHERE t.thread_id = ?",
            (thread_id,))
        return _info(row) if row else None

    async def list(self, *, resource_id: str | None = None, limit: int = 20) -> list[ThreadInfo]:
        where, params = ("WHERE t.resource_id = ?", (resource_id,)) if resource_id else ("", ())
        rows = await self._database.fetch_all(
            "SELECT t.thread_id, t.resource_id, t.title, t.created_ns, t.updated_ns, "
            f"(SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.thread_id) FROM threads t {where} "
            "ORDER BY t.updated_ns DESC LIMIT ?", (*params, limit))
        return [_info(row) for row in rows]

    async def delete(self, thread_id: str) -> bool:
        """Delete a thread with its messages and working memory (ON DELETE CASCADE)."""
        async with self._database.transaction() as connection:
            await connection.execute("DELETE FROM messages WHERE thread_id = ?", (thread_id,))
            await connection.execute("DELETE FROM working_memory WHERE thread_id = ?", (thread_id,))
            cursor = await connection.execute("DELETE FROM threads WHERE thread_id = ?", (thread_id,))
            return cursor.rowcount > 0

    async def add(self, thread_id: str, *messages: Message, metadata: dict[str, Any] | None = None) -> None:
        now = time.time_ns()
        async with self._database.transaction() as connection:
            for offset, message in enumerate(messages):
                await connection.execute(
                    "INSERT INTO messages (message_id, thread_id, role, content, metadata, created_ns, tool_calls, "
                    "tool_call_id, tool_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (uuid.uuid4().hex, thread_id, message.role, self._redact(message.content),
                     json.dumps(self._redact(metadata or {})), now + offset,
                     json.dumps(self._redact([c.model_dump() for c in message.tool_calls])),
                     message.tool_call_id, message.name))
            await connection.execute("UPDATE threads SET updated_ns = ? WHERE thread_id = ?", (now, thread_id))

    async def messages(self, thread_id: str, *, token_budget: int | None = None,
                       limit: int = 1000) -> list[StoredMessage]:
        """The thread's messages, oldest first; with a budget, the newest that fit in it (a tool result
        is never kept without the call that asked for it)."""
        rows = await self._database.fetch_all(
            "SELECT message_id, role, content, metadata, created_ns, tool_calls, tool_call_id, tool_name FROM messages "
            "WHERE thread_id = ? ORDER BY created_ns DESC, rowid DESC LIMIT ?", (thread_id, limit))
        stored = [StoredMessage(message_id=r[0], created_ns=r[4], metadata=json.loads(r[3] or "{}"), message=Message(
            role=r[1], content=r[2], tool_calls=[ToolCallRequest(**c) for c in json.loads(r[5] or "[]")],
            tool_call_id=r[6], name=r[7])) for r in rows]
        if token_budget is not None:
            kept, used = [], 0
            for item in stored:
                used += tokens(item.message)
                if used > token_budget and kept:
                    break
                kept.append(item)
            while kept and kept[-1].message.role == "tool":  # its call fell outside the budget
                kept.pop()
            stored = kept
        return list(reversed(stored))

    async def working_memory(self, thread_id: str) -> dict[str, Any]:
        row = await self._database.fetch_one("SELECT content FROM working_memory WHERE thread_id = ?", (thread_id,))
        return json.loads(row[0]) if row else {}

    async def replace_working_memory(self, thread_id: str, content: dict[str, Any]) -> None:
        """Store `content` as the whole working memory (a record written whole, not a patch)."""
        await self._database.write(
            "INSERT INTO working_memory (thread_id, content, updated_ns) VALUES (?, ?, ?) ON CONFLICT (thread_id) "
            "DO UPDATE SET content = excluded.content, updated_ns = excluded.updated_ns",
            (thread_id, json.dumps(self._redact(content)), time.time_ns()))

    async def update_working_memory(self, thread_id: str, update: dict[str, Any]) -> dict[str, Any]:
        """Merge `update` into the thread's working memory; returns the result."""
        async with self._database.transaction() as connection:
            cursor = await connection.execute("SELECT content FROM working_memory WHERE thread_id = ?", (thread_id,))
            row = await cursor.fetchone()
            merged = merge(json.loads(row[0]) if row else {}, self._redact(update))
            await connection.execute(
                "INSERT INTO working_memory (thread_id, content, updated_ns) VALUES (?, ?, ?) "
                "ON CONFLICT (thread_id) DO UPDATE SET content = excluded.content, updated_ns = excluded.updated_ns",
                (thread_id, json.dumps(merged), time.time_ns()))
        return merged


def thread_uri(thread_id: str) -> str:
    return f"archwright://threads/{thread_id}"


def _info(row: Any) -> ThreadInfo:
    return ThreadInfo(thread_id=row[0], resource_id=row[1], title=row[2], created_ns=row[3], updated_ns=row[4],
                      message_count=row[5], uri=thread_uri(row[0]))
