"""The MCP surface through the real `mcp` client, in memory: listing, calling, errors, resources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError


pytestmark = pytest.mark.anyio
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"
ADVISOR_TOOLS = {"analyze_requirements", "design_architecture", "compare_architectures", "generate_summary"}


async def _call(make_server, name: str, arguments: dict[str, Any]):
    async with Client(make_server()) as client:
        return await client.call_tool(name, arguments)


async def test_tools_are_listed_with_descriptions_schemas_and_annotations(make_server) -> None:
    async with Client(make_server()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == ADVISOR_TOOLS | {"list_traces", "get_trace", "generate_report", "run_workflow",
                                          "resume_workflow", "get_workflow_run", "list_workflow_runs",
                                          "cancel_workflow_run", "score_report", "list_scores", "advise",
                                          "list_threads", "get_thread", "delete_thread"}
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.open_world_hint is False
        assert tool.output_schema and tool.input_schema["properties"] and tool.description
    for name in ("list_traces", "get_trace", "get_workflow_run", "list_workflow_runs"):
        assert tools[name].annotations.read_only_hint is True
    for name in ("generate_report", "run_workflow", "resume_workflow", "cancel_workflow_run"):
        assert tools[name].annotations.read_only_hint is False
    for tool in (tools[name] for name in ADVISOR_TOOLS):
        assert tool.description and len(tool.description) > 100
        assert tool.output_schema and tool.output_schema.get("type") == "object"
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True
        assert tool.annotations.idempotent_hint is True
        assert tool.annotations.open_world_hint is False
        for name, field in tool.input_schema["properties"].items():
            assert field.get("description"), (tool.name, name)
    assert tools["analyze_requirements"].input_schema["required"] == ["requirement"]
    assert set(tools["design_architecture"].input_schema["properties"]["style"]["enum"]) == {
        "serverless", "microservices", "monolith"}


async def test_analyze_returns_structured_content_and_readable_text(make_server) -> None:
    result = await _call(make_server, "analyze_requirements", {"requirement": RIDE})
    assert not result.is_error
    data = result.structured_content
    assert data["primary_domain"] == "ride_sharing"
    assert data["users"] == {"count": 100000, "period": "daily", "provenance": "stated", "formula": None,
                             "evidence": {"text": "100k daily users", "start": 23, "end": 39}}
    assert data["workload"]["actors"][0]["drives_load"] is True
    assert "Domain: ride_sharing" in result.content[0].text


async def test_an_analysis_can_be_passed_back_instead_of_the_text(make_server) -> None:
    async with Client(make_server()) as client:
        analysis = (await client.call_tool("analyze_requirements", {"requirement": RIDE})).structured_content
        design = await client.call_tool("design_architecture", {"analysis": analysis, "style": "serverless",
                                                                 "cloud": "gcp"})
        compare = await client.call_tool("compare_architectures", {"analysis": analysis, "styles": ["monolith"]})
        summary = await client.call_tool("generate_summary", {"analysis": analysis,
                                                              "comparison": compare.structured_content})
    assert not design.is_error and design.structured_content["cloud"] == "gcp"
    assert "```mermaid" in design.content[0].text
    assert [o["style"] for o in compare.structured_content["options"]] == ["monolith"]
    assert not summary.is_error
    assert summary.structured_content["recommended_style"] == "monolith"
    assert summary.content[0].text.startswith("# Architecture summary")


async def test_compare_returns_itemised_costs_and_a_recommendation(make_server) -> None:
    result = await _call(make_server, "compare_architectures", {"requirement": RIDE, "cloud": "azure"})
    data = result.structured_content
    assert {o["style"] for o in data["options"]} == {"serverless", "microservices", "monolith"}
    item = data["options"][0]["monthly_cost"]["line_items"][0]
    assert {"formula", "unit_price", "source", "retrieved", "verified"} <= item.keys()
    assert data["recommendation"]["style"] in {"serverless", "microservices", "monolith"}
    assert "Recommendation:" in result.content[0].text


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("analyze_requirements", {"requirement": ""}, "empty"),
        ("analyze_requirements", {"requirement": "   "}, "empty"),
        ("analyze_requirements", {"requirement": "x" * 1_048_576}, "limit is 20,000"),
        ("analyze_requirements", {"requirement": "\x00\x01\x02\x03\x04 junk \x05\x06"}, "binary"),
        ("analyze_requirements", {"requirement": "Necesitamos una aplicación para que los usuarios paguen con tarjeta."},
         "Spanish"),
        ("design_architecture", {"requirement": RIDE, "style": "mainframe"}, "serverless"),
        ("design_architecture", {"requirement": RIDE, "style": "monolith", "cloud": "oracle"}, "aws"),
        ("design_architecture", {"style": "monolith"}, "Missing input"),
        ("design_architecture", {"requirement": RIDE, "analysis": {}, "style": "monolith"}, "not both"),
        ("design_architecture", {"analysis": {"primary_domain": 7}, "style": "monolith"}, "does not validate"),
        ("compare_architectures", {"requirement": RIDE, "styles": ["serverless", "grid"]}, "microservices"),
        ("generate_summary", {"requirement": RIDE, "comparison": {"options": "none"}}, "comparison"),
    ],
)
async def test_bad_input_is_a_tool_error_that_says_what_is_accepted(make_server, name: str, arguments: dict, expected: str) -> None:
    result = await _call(make_server, name, arguments)
    assert result.is_error
    assert expected in result.content[0].text


async def test_the_server_keeps_serving_after_errors(make_server) -> None:
    async with Client(make_server()) as client:
        bad = await client.call_tool("analyze_requirements", {"requirement": ""})
        good = await client.call_tool("analyze_requirements", {"requirement": RIDE})
    assert bad.is_error and not good.is_error


async def test_knowledge_base_resources(make_server) -> None:
    async with Client(make_server()) as client:
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        domains = json.loads((await client.read_resource("archwright://domains")).contents[0].text)
        healthcare = json.loads((await client.read_resource("archwright://domains/healthcare")).contents[0].text)
        pricing = json.loads((await client.read_resource("archwright://pricing")).contents[0].text)
        gcp = json.loads((await client.read_resource("archwright://clouds/gcp")).contents[0].text)
    assert {"archwright://domains", "archwright://pricing", "archwright://features", "archwright://compliance",
            "archwright://styles"} <= listed
    assert {"archwright://domains/{domain_id}", "archwright://pricing/{cloud}", "archwright://clouds/{cloud}"} <= templates
    assert len(domains) == 18
    assert healthcare["id"] == "healthcare" and "patient*" in healthcare["strong"]
    assert all(p["source"].startswith("https://") for p in pricing["clouds"]["aws"])
    assert gcp["compute"]["monolith"] == "Cloud Run"


async def test_unknown_resource_ids_are_clear_errors(make_server) -> None:
    async with Client(make_server()) as client:
        with pytest.raises(MCPError, match="Unknown domain 'pirates'"):
            await client.read_resource("archwright://domains/pirates")
        with pytest.raises(MCPError, match="Known clouds"):
            await client.read_resource("archwright://pricing/oracle")


async def test_the_design_prompt_walks_through_the_tools(make_server) -> None:
    async with Client(make_server()) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert "design_architecture" in prompts
        result = await client.get_prompt("design_architecture", {"idea": RIDE, "cloud": "gcp"})
    text = result.messages[0].content.text
    assert RIDE in text and "analyze_requirements" in text and "cloud='gcp'" in text


async def test_a_client_correction_reaches_the_analysis_and_the_prices(make_server) -> None:
    fleet = "Telematics for trucking companies: GPS trackers in each truck, dispatchers see live positions on a map."
    correction = {"events_per_second": 1000, "users": {"count": 400, "period": "daily"}, "residency": "eu"}
    analysed = await _call(make_server, "analyze_requirements", {"requirement": fleet, "workload": correction})
    assert not analysed.is_error
    workload = analysed.structured_content["workload"]
    assert sorted(workload["given"]) == ["events_per_second", "residency", "users"]
    assert "Given by the caller: users, events_per_second, residency" in analysed.content[0].text
    plain = await _call(make_server, "compare_architectures", {"requirement": fleet, "styles": ["serverless"]})
    # A passed analysis is re-read with the corrections, so the same correction prices the same way.
    corrected = await _call(make_server, "compare_architectures", {
        "analysis": analysed.structured_content, "workload": correction, "styles": ["serverless"]})
    cost = lambda result: result.structured_content["options"][0]["monthly_cost"]["expected"]  # noqa: E731
    assert cost(corrected) > 10 * cost(plain)


async def test_a_correction_naming_an_unknown_id_is_a_tool_error(make_server) -> None:
    result = await _call(make_server, "design_architecture", {
        "requirement": RIDE, "style": "monolith", "workload": {"features": ["payments", "teleportation"]}})
    assert result.is_error
    assert "unknown feature ids ['teleportation']" in result.content[0].text


async def test_a_conflict_with_the_text_is_reported_in_the_result(make_server) -> None:
    result = await _call(make_server, "analyze_requirements", {
        "requirement": RIDE, "workload": {"users": {"count": 250000, "period": "daily"}}})
    (conflict,) = result.structured_content["workload"]["conflicts"]
    assert conflict["field"] == "users" and conflict["evidence"]["text"] == "100k daily users"
    assert "Conflict on users: the text says 100,000 daily, the caller gave 250,000 daily (used)" in result.content[0].text


async def test_generate_report_applies_the_workload_correction_to_its_analysis(make_server) -> None:
    async with Client(make_server()) as client:
        result = await client.call_tool("generate_report", {
            "requirement": RIDE, "styles": ["monolith"], "workload": {"users": {"count": 250000, "period": "daily"}}})
        assert result.structured_content["status"] == "success"
        run = json.loads((await client.read_resource(result.structured_content["run"])).contents[0].text)
        report = (await client.read_resource(result.structured_content["report"])).contents[0].text
    assert "| Users: 250,000 (daily) | (given by the caller) |" in report
    analysis = next(step for step in run["steps"] if step["path"] == "analyze")["output"]["analysis"]
    assert analysis["users"]["count"] == 250000 and analysis["users"]["provenance"] == "given"
    assert analysis["workload"]["conflicts"][0]["field"] == "users"


async def test_corrections_add_up_across_calls_and_a_summary_never_mixes_two_sizings(make_server) -> None:
    async with Client(make_server()) as client:
        first = await client.call_tool("analyze_requirements", {
            "requirement": RIDE, "workload": {"users": {"count": 250000, "period": "daily"}}})
        design = await client.call_tool("design_architecture", {
            "analysis": first.structured_content, "workload": {"team": 6}, "style": "monolith"})
        assert "~250,000 daily users" in design.structured_content["summary"]  # the earlier correction holds
        compared = await client.call_tool("compare_architectures", {
            "analysis": first.structured_content, "workload": {"team": 6}, "styles": ["monolith"]})
        assert compared.structured_content["options"][0]["team_size"] == 6
        summary = await client.call_tool("generate_summary", {
            "analysis": first.structured_content, "comparison": compared.structured_content,
            "workload": {"users": {"count": 2000000, "period": "daily"}}})
        assert "~2,000,000 daily users" in summary.structured_content["markdown"]
        assert "~250,000 daily users" not in summary.structured_content["markdown"]
