"""Threads on a real SQLite file: messages with tool calls, a history limited by tokens, working
memory that merges, redaction, deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from archwright.server.agent.messages import Message, ToolCallRequest
from archwright.server.store import Database
from archwright.server.store.threads import ThreadStore, merge
from archwright.server.telemetry.redact import Redactor

pytestmark = pytest.mark.anyio


def test_merge_objects_field_by_field_null_deletes_lists_replace() -> None:
    current = {"style": "monolith", "corrections": {"team": 4, "features": ["payments", "chat_messaging"]},
               "decisions": [{"what": "a"}]}
    merged = merge(current, {"corrections": {"team": None, "features": ["payments"]}, "cloud": "gcp",
                             "decisions": [{"what": "b"}]})
    assert merged == {"style": "monolith", "corrections": {"features": ["payments"]}, "cloud": "gcp",
                      "decisions": [{"what": "b"}]}
    assert current["corrections"]["team"] == 4  # the stored value is not changed in place


async def test_a_thread_keeps_tool_calls_limits_history_by_tokens_and_redacts(tmp_path: Path) -> None:
    database = await Database.opened(str(tmp_path / "memory.db"))
    store = ThreadStore(database, Redactor().value)
    thread = await store.create(resource_id="user-1", title="ride sharing")
    await store.add(thread.thread_id, Message(role="user", content="x" * 4_000))  # ~1,000 tokens
    await store.add(thread.thread_id,
                    Message(role="assistant", tool_calls=[ToolCallRequest(id="c1", name="compare_architectures",
                                                                          arguments={"requirement": "rides"})]),
                    Message(role="tool", content='{"monthly_cost": 10}', tool_call_id="c1", name="compare_architectures"),
                    Message(role="user", content="my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"),
                    Message(role="assistant", content="Noted."))
    everything = await store.messages(thread.thread_id)
    assert [m.message.role for m in everything] == ["user", "assistant", "tool", "user", "assistant"]
    assert everything[1].message.tool_calls[0].arguments == {"requirement": "rides"}
    assert everything[2].message.tool_call_id == "c1" and everything[2].message.name == "compare_architectures"
    assert "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD" not in everything[3].message.content
    recent = await store.messages(thread.thread_id, token_budget=200)
    assert [m.message.role for m in recent] == ["assistant", "tool", "user", "assistant"]  # the 1,000-token turn left out
    assert (await store.get(thread.thread_id)).message_count == 5

    await store.update_working_memory(thread.thread_id, {"requirement": "rides", "corrections": {"team": 3}})
    merged = await store.update_working_memory(thread.thread_id, {"cloud": "gcp", "corrections": {"users": {"count": 5}}})
    assert merged == {"requirement": "rides", "cloud": "gcp", "corrections": {"team": 3, "users": {"count": 5}}}
    assert [t.thread_id for t in await store.list(resource_id="user-1")] == [thread.thread_id]
    assert await store.delete(thread.thread_id) and await store.get(thread.thread_id) is None
    assert await store.messages(thread.thread_id) == [] and await store.working_memory(thread.thread_id) == {}
    assert not await store.delete(thread.thread_id)
    await database.close()
