"""Conversations: advise, list_threads, get_thread, delete_thread, and the thread resource."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from pydantic import BaseModel, Field

from archwright.server.agent.advise import AdviseError, AdviseResult, DesignMemory
from archwright.server.mcp.specs import READS_RECORDS, WRITES_RECORDS, Link, ToolCall, ToolSpec
from archwright.server.runtime import Runtime
from archwright.server.store.threads import StoredMessage, ThreadInfo, thread_uri
from archwright.tools.validation import MAX_REQUIREMENT_CHARS

THREAD_ID = dict(max_length=128, pattern=r"^[\w.:-]+$")
DESTRUCTIVE = WRITES_RECORDS.model_copy(update={"destructive_hint": True, "idempotent_hint": True})


class AdviseRequest(BaseModel):
    message: str = Field(min_length=1, max_length=MAX_REQUIREMENT_CHARS, description=(
        "An app idea to start a design, or a follow-up on the thread's design: 'now show me the Kubernetes "
        "version', 'add payment processing', 'what if we had 2 million users?', 'switch to GCP', 'make it HIPAA "
        "compliant', 'we are only two engineers'."))
    thread_id: str | None = Field(default=None, description="The conversation to continue; leave out to start one.",
                                  **THREAD_ID)  # type: ignore[arg-type]
    new_thread: bool = Field(default=False, description="Start a thread with this thread_id if none exists.")
    resource_id: str | None = Field(default=None, max_length=128, description="Who owns a new thread (a user id).")


class ThreadRequest(BaseModel):
    thread_id: str = Field(description="A thread id from advise or list_threads.", **THREAD_ID)  # type: ignore[arg-type]
    token_budget: int | None = Field(default=None, ge=100, le=1_000_000,
                                     description="Only the newest messages that fit in this many tokens.")


class ThreadDetail(BaseModel):
    thread: ThreadInfo
    memory: DesignMemory
    messages: list[StoredMessage]


class ListThreads(BaseModel):
    resource_id: str | None = Field(default=None, max_length=128, description="Only this owner's threads.")
    limit: int = Field(default=20, ge=1, le=100)


class ThreadList(BaseModel):
    threads: list[ThreadInfo]


class Deleted(BaseModel):
    thread_id: str
    deleted: bool


async def _advise(runtime: Runtime, given: AdviseRequest, _: ToolCall) -> AdviseResult:
    try:
        return await runtime.conversations.advise(given.message, thread_id=given.thread_id,
                                                  new_thread=given.new_thread, resource_id=given.resource_id)
    except AdviseError as error:
        raise ToolError(str(error)) from None


async def thread_detail(runtime: Runtime, thread_id: str, token_budget: int | None = None) -> ThreadDetail:
    info = await runtime.threads.get(thread_id)
    if info is None:
        raise AdviseError(f"No thread with id {thread_id}: it may have been deleted, or belong to another database.")
    return ThreadDetail(thread=info, memory=DesignMemory.model_validate(await runtime.threads.working_memory(thread_id)),
                        messages=await runtime.threads.messages(thread_id, token_budget=token_budget))


async def _get_thread(runtime: Runtime, given: ThreadRequest, _: ToolCall) -> ThreadDetail:
    try:
        return await thread_detail(runtime, given.thread_id, given.token_budget)
    except AdviseError as error:
        raise ToolError(str(error)) from None


async def _list_threads(runtime: Runtime, given: ListThreads, _: ToolCall) -> ThreadList:
    return ThreadList(threads=await runtime.threads.list(resource_id=given.resource_id, limit=given.limit))


async def _delete_thread(runtime: Runtime, given: ThreadRequest, _: ToolCall) -> Deleted:
    return Deleted(thread_id=given.thread_id, deleted=await runtime.threads.delete(given.thread_id))


def _advise_text(result: AdviseResult) -> str:
    return f"{result.reply}\n\n(thread {result.thread_id}, {result.mode})"


def _advise_links(result: AdviseResult, _: Runtime) -> list[Link]:
    return [Link(result.thread, "thread", "The conversation: its messages and working memory.")]


def _thread_text(detail: ThreadDetail) -> str:
    lines = [f"thread {detail.thread.thread_id}: {detail.thread.message_count} messages; design: "
             f"{detail.memory.requirement or '(none yet)'}"]
    lines += [f"{m.message.role}: {m.message.content[:300]}" for m in detail.messages if m.message.content]
    return "\n".join(lines)


def _list_text(result: ThreadList) -> str:
    return "\n".join(f"{t.thread_id}  {t.message_count} messages  {t.title or ''}" for t in result.threads) or "No threads."


AGENT_TOOLS: tuple[ToolSpec[Any, Any], ...] = (
    ToolSpec(
        name="advise", title="Advise in a conversation", annotations=WRITES_RECORDS,
        description=(
            "The conversational entry point. A message with an app idea starts a design; a follow-up refines the "
            "thread's design from its working memory (style, cloud, scale, features added or removed, compliance, "
            "team) and the answer says what changed: cost, team, weeks, components. Returns the thread_id to "
            "continue with. Works offline; with a model configured (ARCHWRIGHT_MODEL), the model reads the turn."
        ),
        input_model=AdviseRequest, output_model=AdviseResult, run=_advise, text=_advise_text, links=_advise_links,
        traced=True,
    ),
    ToolSpec(name="list_threads", title="List conversations", annotations=READS_RECORDS,
             description="List conversations, most recently active first, optionally of one owner (resource_id).",
             input_model=ListThreads, output_model=ThreadList, run=_list_threads, text=_list_text),
    ToolSpec(name="get_thread", title="Show a conversation", annotations=READS_RECORDS,
             description="One conversation: its messages (tool calls included) and its working memory.",
             input_model=ThreadRequest, output_model=ThreadDetail, run=_get_thread, text=_thread_text),
    ToolSpec(name="delete_thread", title="Delete a conversation", annotations=DESTRUCTIVE,
             description="Delete a conversation with its messages and working memory (reports it made stay).",
             input_model=ThreadRequest, output_model=Deleted, run=_delete_thread,
             text=lambda d: f"thread {d.thread_id} " + ("deleted." if d.deleted else "did not exist.")),
)


def register_thread_resources(server: MCPServer, runtime: Runtime) -> None:
    @server.resource("archwright://threads/{thread_id}", name="thread", mime_type="application/json",
                     description="One conversation: its messages and working memory.")
    async def thread_resource(thread_id: str) -> str:
        try:
            return (await thread_detail(runtime, thread_id)).model_dump_json(indent=2)
        except AdviseError as error:
            raise ResourceNotFoundError(str(error)) from None


__all__ = ["AGENT_TOOLS", "register_thread_resources", "thread_uri"]
