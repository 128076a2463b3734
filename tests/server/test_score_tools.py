"""score_report, list_scores and the scores resource through the real MCP client."""

from __future__ import annotations

import json

import pytest
from mcp import Client

pytestmark = pytest.mark.anyio
ASSISTANT = "An AI assistant that answers 2,000 questions a day from our handbook PDFs; data must stay in Germany."


async def test_a_report_run_carries_its_scores_and_they_are_stored_with_it(make_server, telemetry) -> None:
    async with Client(make_server(telemetry)) as client:
        report = (await client.call_tool("generate_report", {"requirement": ASSISTANT})).structured_content
        assert report["status"] == "success" and report["rounds"] == 0
        assert {s["scorer"] for s in report["scores"]} == {"completeness", "diagram_quality", "tradeoff_analysis",
                                                           "domain_relevance", "cost_sanity", "consistency"}
        stored = json.loads((await client.read_resource(f"archwright://runs/{report['run_id']}/scores")).contents[0].text)
        assert {s["scorer"] for s in stored["scores"]} == {s["scorer"] for s in report["scores"]}
        assert all(s["run_id"] == report["run_id"] and s["trace_id"] == report["trace"].rsplit("/", 1)[1]
                   for s in stored["scores"])
        assert all(s["steps"] for s in stored["scores"])  # each scorer's step results are kept

        again = await client.call_tool("score_report", {"run_id": report["run_id"]})
        assert not again.is_error and again.structured_content["run_id"] == report["run_id"]
        assert "completeness" in again.content[0].text
        listed = (await client.call_tool("list_scores", {"scorer": "completeness", "run_id": report["run_id"]}))
        assert [s["scorer"] for s in listed.structured_content["scores"]] == ["completeness", "completeness"]


async def test_a_given_report_is_scored_and_bad_requests_are_clear(make_server) -> None:
    async with Client(make_server()) as client:
        analysis = (await client.call_tool("analyze_requirements", {"requirement": ASSISTANT})).structured_content
        designs = {}
        for style in ("serverless", "monolith"):
            result = await client.call_tool("design_architecture", {"analysis": analysis, "style": style})
            designs[style] = result.structured_content
        comparison = (await client.call_tool("compare_architectures", {"analysis": analysis})).structured_content
        summary = (await client.call_tool("generate_summary", {"analysis": analysis})).structured_content
        given = {"analysis": analysis, "designs": designs, "comparison": comparison, "summary": summary}
        scored = await client.call_tool("score_report", {"report": given})
        assert not scored.is_error, scored.content[0].text
        assert scored.structured_content["target"] == "report" and scored.structured_content["mean"] is not None

        both = await client.call_tool("score_report", {"run_id": "0" * 32, "report": given})
        neither = await client.call_tool("score_report", {})
        missing = await client.call_tool("score_report", {"run_id": "0" * 32})
        unknown = await client.call_tool("list_scores", {"scorer": "vibes"})
        with pytest.raises(Exception, match="No run with id"):
            await client.read_resource(f"archwright://runs/{'0' * 32}/scores")
        for result, words in ((both, "not both"), (neither, "not both"), (missing, "No run with id"),
                              (unknown, "Unknown scorer 'vibes'")):
            assert result.is_error and words in result.content[0].text, result.content[0].text
