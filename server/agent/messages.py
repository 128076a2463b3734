"""What goes to a model and comes back, whatever the provider: messages, tool calls, usage."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ToolCallRequest(BaseModel):
    """A model asking for one tool call."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool"]
    content: str = ""
    tool_calls: list[ToolCallRequest] = Field(default_factory=list)
    tool_call_id: str | None = Field(default=None, description="On a tool message: the call it answers.")
    name: str | None = Field(default=None, description="On a tool message: the tool's name.")


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0

    def plus(self, other: Usage) -> Usage:
        return Usage(input_tokens=self.input_tokens + other.input_tokens,
                     output_tokens=self.output_tokens + other.output_tokens)


class ToolDeclaration(BaseModel):
    """A tool as a model sees it: the same name, description and input schema as the MCP surface."""

    name: str
    description: str
    parameters: dict[str, Any]


class ModelReply(BaseModel):
    provider: str
    model: str
    text: str = ""
    tool_calls: list[ToolCallRequest] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
