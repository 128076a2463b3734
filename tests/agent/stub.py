"""A loopback HTTP server that speaks the wire formats of Gemini (`:generateContent`) and Ollama
(`/api/chat`), answering from a script, so the real `google-genai` and `ollama` clients can be
tested without any network but loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """Replies in order: (HTTP status, JSON body), or from `respond(path, body)` once they run out.
    Requests received are kept."""

    replies: list[tuple[int, dict[str, Any]]]
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    respond: Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]] | None = None


def gemini_text(text: str, input_tokens: int = 11, output_tokens: int = 7) -> dict[str, Any]:
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": input_tokens, "candidatesTokenCount": output_tokens,
                              "totalTokenCount": input_tokens + output_tokens}}


def gemini_call(name: str, args: dict[str, Any], input_tokens: int = 20, output_tokens: int = 5) -> dict[str, Any]:
    return {"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"name": name, "args": args}}]},
                            "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": input_tokens, "candidatesTokenCount": output_tokens,
                              "totalTokenCount": input_tokens + output_tokens}}


def ollama_text(text: str, input_tokens: int = 13, output_tokens: int = 9, model: str = "qwen2.5:14b") -> dict[str, Any]:
    return {"model": model, "created_at": "2026-11-24T00:00:00Z", "message": {"role": "assistant", "content": text},
            "done": True, "done_reason": "stop", "prompt_eval_count": input_tokens, "eval_count": output_tokens}


def ollama_call(name: str, args: dict[str, Any], model: str = "qwen2.5:14b") -> dict[str, Any]:
    return {"model": model, "created_at": "2026-11-24T00:00:00Z",
            "message": {"role": "assistant", "content": "",
                        "tool_calls": [{"function": {"name": name, "arguments": args}}]},
            "done": True, "done_reason": "stop", "prompt_eval_count": 21, "eval_count": 4}


def error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    """An error in both providers' shapes (Gemini reads `error`, Ollama reads `error` too)."""
    return status, {"error": {"code": status, "message": message, "status": "UNAVAILABLE"} if status != 404
                    else message}


@contextmanager
def serving(script: Script) -> Iterator[str]:
    """Serve `script` on 127.0.0.1 at a free port; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            script.requests.append((self.path, body))
            if script.replies:
                status, reply = script.replies.pop(0)
            elif script.respond is not None:
                status, reply = script.respond(self.path, body)
            else:
                status, reply = 500, {"error": "script exhausted"}
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
