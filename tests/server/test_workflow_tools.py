"""The report workflow and the run tools through the real MCP client."""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError


pytestmark = pytest.mark.anyio
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"
ANSWERS = "It is a booking app for a yoga studio: members book classes and pay by card. About 500 members."


async def test_generate_report_runs_the_workflow_with_progress_and_links(make_server, telemetry) -> None:
    notes: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        notes.append((progress, total, message))

    async with Client(make_server(telemetry)) as client:
        result = await client.call_tool("generate_report", {"requirement": RIDE}, progress_callback=on_progress)
        data = result.structured_content
        run = await client.call_tool("get_workflow_run", {"run_id": data["run_id"]})
        stored = (await client.read_resource(data["run"])).contents[0].text
        report = (await client.read_resource(data["report"])).contents[0]
        trace = await client.call_tool("get_trace", {"trace_id": data["trace"].rsplit("/", 1)[1]})
    assert not result.is_error and data["status"] == "success"
    assert data["summary_markdown"].startswith("# Architecture summary")
    assert data["recommended_style"] in {"serverless", "microservices", "monolith"}
    assert [n[0] for n in notes] == sorted(n[0] for n in notes) and len(notes) >= 6
    assert any("finished analyze" == n[2] for n in notes) and any("summarize" in (n[2] or "") for n in notes)
    steps = [s["path"] for s in run.structured_content["steps"]]
    assert steps[0] == "analyze" and steps[-1] == "publish" and "design/design_monolith" in steps
    assert "review" in steps and any(s.endswith("/revision/rescore_draft") for s in steps)  # the quality loop ran
    full = json.loads(stored)
    outputs = {s["path"]: s["output"] for s in full["steps"]}
    assert full["output_step"] == "publish" and "output" not in full
    # The first draft stood (rounds 0): its summary is stored once, in its step, not again in publish.
    assert data["rounds"] == 0 and outputs["publish"]["markdown"] is None
    assert {s["scorer"] for s in data["scores"]} >= {"completeness", "diagram_quality", "cost_sanity"}
    # A diagram the summary embeds is stored once, in the design step that drew it, and named there.
    restored = outputs["summarize"]["markdown"]
    for path, output in outputs.items():
        if path.startswith("design/"):
            restored = restored.replace(f"%% the diagram of step {path}", output["design"]["mermaid"])
    assert "%% the diagram of step design/" in outputs["summarize"]["markdown"]
    assert restored == data["summary_markdown"]
    assert outputs["compare"]["recommendation"]["style"] == data["recommended_style"]
    assert report.mime_type == "text/markdown" and report.text.startswith("# Architecture report")
    assert "Appendix C: comparison" in report.text
    assert f"recommended style {data['recommended_style']}" in result.content[0].text
    assert data["report"] in result.content[0].text or any(
        getattr(block, "uri", None) == data["report"] for block in result.content)
    tree = json.dumps(trace.structured_content["spans"])
    assert "invoke_workflow architecture_report" in tree and "step design/design_serverless" in tree


async def test_a_vague_requirement_suspends_with_questions_and_resumes_with_answers(make_server) -> None:
    async with Client(make_server()) as client:
        suspended = (await client.call_tool("generate_report", {"requirement": "An app."})).structured_content
        assert suspended["status"] == "suspended"
        assert suspended["question"]["questions"] and suspended["resume_schema"]["required"] == ["answers"]
        bad = await client.call_tool("resume_workflow", {"run_id": suspended["run_id"], "data": {"answer": 1}})
        assert bad.is_error and "answers" in bad.content[0].text
        done = await client.call_tool("resume_workflow", {"run_id": suspended["run_id"],
                                                          "data": {"answers": ANSWERS}})
        again = await client.call_tool("resume_workflow", {"run_id": suspended["run_id"], "data": {"answers": "x"}})
        listed = (await client.call_tool("list_workflow_runs", {"workflow_id": "architecture_report"})).structured_content
    assert done.structured_content["status"] == "success"
    assert again.is_error and "only suspended or interrupted" in again.content[0].text
    assert listed["runs"][0]["run_id"] == suspended["run_id"]


async def test_a_client_that_supports_elicitation_is_asked_directly(make_server) -> None:
    asked: list[str] = []

    async def answer(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"answers": ANSWERS})

    async with Client(make_server(), mode="legacy", elicitation_callback=answer) as client:
        result = await client.call_tool("generate_report", {"requirement": "An app."})
    assert asked and "What kind of app" in asked[0]
    assert result.structured_content["status"] == "success"


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("run_workflow", {"workflow_id": "nope", "input": {}}, "Known workflows: architecture_report"),
        ("run_workflow", {"workflow_id": "architecture_report", "input": {"cloud": "aws"}}, "requirement"),
        ("get_workflow_run", {"run_id": "../../etc/passwd"}, "32 lowercase hexadecimal"),
        ("get_workflow_run", {"run_id": "0" * 32}, "No run with id"),
        ("resume_workflow", {"run_id": "1" * 32, "data": {}}, "No run with id"),
        ("cancel_workflow_run", {"run_id": "2" * 32}, "No run with id"),
        ("generate_report", {"requirement": ""}, "empty"),
    ],
)
async def test_bad_requests_are_clear_tool_errors(make_server, tool: str, arguments: dict, expected: str) -> None:
    async with Client(make_server()) as client:
        result = await client.call_tool(tool, arguments)
    assert result.is_error and expected in result.content[0].text


async def test_run_cancel_and_the_workflow_resources(make_server) -> None:
    async with Client(make_server()) as client:
        started = await client.call_tool("run_workflow", {"workflow_id": "architecture_report",
                                                          "input": {"requirement": "An app."}})
        run_id = started.structured_content["run_id"]
        canceled = await client.call_tool("cancel_workflow_run", {"run_id": run_id})
        workflows = json.loads((await client.read_resource("archwright://workflows")).contents[0].text)
        with pytest.raises(MCPError, match="No run with id"):
            await client.read_resource("archwright://runs/" + "3" * 32)
    assert started.structured_content["status"] == "suspended"
    assert canceled.structured_content["status"] == "canceled"
    report = workflows[0]
    assert report["id"] == "architecture_report" and report["mermaid"].startswith("flowchart TD")
    assert [s["id"] for s in report["steps"]][:2] == ["analyze", "design"]
    assert report["input_schema"]["required"] == ["requirement"]
