"""What different clients meet: one server object serving several sessions, a client of the oldest
protocol version, and answers small enough for a desktop client (~25,000 tokens at most)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

pytestmark = pytest.mark.anyio
EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"
LIMIT_BYTES = 100_000
OLD_CONTENT_TYPES = {"text", "image", "resource"}  # what protocol 2024-11-05 defines for tool results


async def _report_and_read_back(client: Client) -> tuple[dict[str, Any], dict[str, Any], str]:
    report = (await client.call_tool("generate_report", {"requirement": RIDE})).structured_content
    run = (await client.call_tool("get_workflow_run", {"run_id": report["run_id"]})).structured_content
    stored = (await client.read_resource(report["run"])).contents[0].text
    return report, run, stored


async def test_one_server_serves_two_sessions_one_after_the_other(make_server, telemetry) -> None:
    server = make_server(telemetry)
    async with Client(server) as first:
        report, _, _ = await _report_and_read_back(first)
    async with Client(server) as second:  # the first session's end closed nothing the second needs
        run = await second.call_tool("get_workflow_run", {"run_id": report["run_id"]})
        again, _, stored = await _report_and_read_back(second)
        traces = (await second.call_tool("list_traces", {"tool_name": "generate_report"})).structured_content
    assert not run.is_error and run.structured_content["status"] == "success"
    assert again["status"] == "success" and json.loads(stored)["run_id"] == again["run_id"]
    assert traces["tracing"]["status"] == "ok"
    assert {report["trace"].rsplit("/", 1)[1], again["trace"].rsplit("/", 1)[1]} <= {
        t["trace_id"] for t in traces["traces"]}


async def test_one_server_serves_two_sessions_at_once(make_server) -> None:
    server = make_server()
    outcomes: list[tuple[dict[str, Any], dict[str, Any], str]] = []

    async def session() -> None:
        async with Client(server) as client:
            for _ in range(3):
                outcomes.append(await _report_and_read_back(client))

    async with anyio.create_task_group() as group:
        group.start_soon(session)
        group.start_soon(session)
    assert len(outcomes) == 6
    assert len({report["run_id"] for report, _, _ in outcomes}) == 6
    for report, run, stored in outcomes:
        assert report["status"] == run["status"] == "success"
        assert json.loads(stored)["run_id"] == report["run_id"]


def _size(result: Any) -> int:
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode())


async def test_everything_about_the_example_report_fits_a_client(make_server, telemetry) -> None:
    sizes: dict[str, int] = {}
    async with Client(make_server(telemetry)) as client:
        for name, arguments in [
            ("analyze_requirements", {"requirement": RIDE}),
            *[("design_architecture", {"requirement": RIDE, "style": s}) for s in ("serverless", "microservices",
                                                                                   "monolith")],
            ("compare_architectures", {"requirement": RIDE}),
            ("generate_summary", {"requirement": RIDE}),
        ]:
            sizes[f"{name} {arguments.get('style', '')}"] = _size(await client.call_tool(name, arguments))
        report = await client.call_tool("generate_report", {"requirement": RIDE})
        sizes["generate_report"] = _size(report)
        data = report.structured_content
        for name, arguments in [("get_workflow_run", {"run_id": data["run_id"]}),
                                ("list_workflow_runs", {}),
                                ("get_trace", {"trace_id": data["trace"].rsplit("/", 1)[1]}),
                                ("list_traces", {"limit": 100})]:
            sizes[name] = _size(await client.call_tool(name, arguments))
        for uri in (data["run"], data["report"], data["trace"], "archwright://traces", "archwright://pricing",
                    "archwright://workflows"):
            sizes[uri] = _size(await client.read_resource(uri))
    too_big = {name: size for name, size in sizes.items() if size >= LIMIT_BYTES}
    assert not too_big, too_big
    assert sizes[data["run"]] > 10_000, "the run resource holds every step's output"


async def test_prompt_errors_are_invalid_params_naming_what_is_accepted(make_server) -> None:
    async with Client(make_server()) as client:
        prompts = (await client.list_prompts()).prompts
        with pytest.raises(MCPError) as unknown:
            await client.get_prompt("design_architectur", {"idea": RIDE})
        with pytest.raises(MCPError) as missing:
            await client.get_prompt("design_architecture", {})
        with pytest.raises(MCPError) as bad_cloud:
            await client.get_prompt("design_architecture", {"idea": RIDE, "cloud": "oracle"})
        with pytest.raises(MCPError) as unexpected:
            await client.get_prompt("design_architecture", {"idea": RIDE, "extra": "1"})
        fine = await client.get_prompt("design_architecture", {"idea": RIDE, "cloud": "gcp"})
    assert all(argument.description for prompt in prompts for argument in prompt.arguments or [])
    assert unknown.value.code == missing.value.code == bad_cloud.value.code == unexpected.value.code == -32602
    assert "extra" in str(unexpected.value) and "idea" in str(unexpected.value)
    assert "design_architecture" in str(unknown.value)
    assert "idea" in str(missing.value)
    assert all(cloud in str(bad_cloud.value) for cloud in ("aws", "gcp", "azure"))
    assert "cloud='gcp'" in fine.messages[0].content.text


async def test_unknown_resources_are_not_found_errors(make_server) -> None:
    async with Client(make_server()) as client:
        for uri in (f"archwright://runs/{'0' * 32}", "archwright://runs/xyz", f"archwright://runs/{'0' * 32}/report",
                    "archwright://traces/xyz", "archwright://pricing/oracle", "archwright://domains/nope"):
            with pytest.raises(MCPError) as error:
                await client.read_resource(uri)
            assert error.value.code == -32602, (uri, error.value.code)


async def test_arguments_that_fail_the_schema_are_one_line_per_problem(make_server) -> None:
    async with Client(make_server()) as client:
        limit = await client.call_tool("list_traces", {"limit": -1})
        missing = await client.call_tool("analyze_requirements", {})
        styles = await client.call_tool("compare_architectures", {"requirement": RIDE, "styles": []})
    assert limit.is_error and limit.content[0].text.startswith("Invalid arguments for list_traces: limit:")
    assert missing.is_error and "requirement: Field required" in missing.content[0].text
    assert styles.is_error and "styles" in styles.content[0].text
    assert all("pydantic.dev" not in r.content[0].text for r in (limit, missing, styles))


async def test_a_suspended_report_is_not_traced_as_an_error(make_server, telemetry) -> None:
    async with Client(make_server(telemetry)) as client:
        suspended = (await client.call_tool("generate_report", {"requirement": "An app."})).structured_content
        trace = (await client.call_tool("get_trace", {"trace_id": suspended["trace"].rsplit("/", 1)[1]}))
    assert suspended["status"] == "suspended"
    assert trace.structured_content["status"] == "ok", trace.structured_content["waterfall"]
    assert "archwright.step.suspended" in json.dumps(trace.structured_content["spans"])


def _converse(protocol_version: str, calls: list[tuple[str, dict[str, Any]]], db: Path) -> dict[int, dict]:
    """Raw JSON-RPC over a real `archwright serve`: initialize at `protocol_version`, then the calls."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": protocol_version, "capabilities": {}, "clientInfo": {"name": "old", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        *[{"jsonrpc": "2.0", "id": 2 + i, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
          for i, (name, arguments) in enumerate(calls)],
    ]
    process = subprocess.Popen([str(EXECUTABLE), "--db", str(db), "serve"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    process.stdin.flush()
    answers: dict[int, dict] = {}
    while len(answers) < 1 + len(calls):
        line = process.stdout.readline()
        if not line:
            break
        message = json.loads(line)
        if "id" in message:
            answers[message["id"]] = message
    process.communicate(timeout=30)
    watchdog.cancel()
    return answers


def test_a_2024_11_05_client_gets_only_content_types_it_knows(tmp_path: Path) -> None:
    calls = [("analyze_requirements", {"requirement": RIDE}), ("generate_report", {"requirement": RIDE})]
    old = _converse("2024-11-05", calls, tmp_path / "old.db")
    new = _converse("2025-06-18", calls, tmp_path / "new.db")
    assert old[1]["result"]["protocolVersion"] == "2024-11-05"
    for call_id in (2, 3):
        old_types = {block["type"] for block in old[call_id]["result"]["content"]}
        new_types = {block["type"] for block in new[call_id]["result"]["content"]}
        assert old_types <= OLD_CONTENT_TYPES, old_types
        assert "resource_link" in new_types, "a client that knows links gets them"
    old_text = old[3]["result"]["content"][0]["text"]
    report = old[3]["result"]["structuredContent"]
    assert report["run"] in old_text and report["report"] in old_text and report["trace"] in old_text
    assert "archwright://traces/" in old[2]["result"]["content"][0]["text"]


async def test_an_unknown_tool_or_prompt_name_is_not_echoed_with_its_secret(make_server) -> None:
    token = "ghp_Zq8XkLmN3pR7tY2wV9bC4dF6gH1jK5sA0eU3"
    async with Client(make_server()) as client:
        tool = await client.call_tool(f"tool_{token}", {})
        with pytest.raises(MCPError) as prompt:
            await client.get_prompt(f"prompt_{token}", {})
    assert tool.is_error and "Unknown tool" in tool.content[0].text and token not in tool.content[0].text
    assert "Unknown prompt" in str(prompt.value) and token not in str(prompt.value)
