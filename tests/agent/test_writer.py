"""A configured model in the report: it reads the requirement's gaps (checked against the text),
writes the narrative, and judges the final draft; all through the real google-genai client and a
loopback stub."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.trace import NoOpTracerProvider

sys.path.insert(0, str(Path(__file__).parent))
from stub import Script, gemini_text, serving  # noqa: E402

from archwright.server.advisor import TracedAdvisor  # noqa: E402
from archwright.server.agent.providers import chain_from_env  # noqa: E402
from archwright.server.agent.writer import checked_reading  # noqa: E402
from archwright.server.store import Database  # noqa: E402
from archwright.server.store.runs import RunStore  # noqa: E402
from archwright.server.workflows.report import WORKFLOW_ID, architecture_report  # noqa: E402
from archwright.server.workflows.runs import Engine  # noqa: E402
from archwright.tools.analyze import analyze_requirements  # noqa: E402
from archwright.tools.workload_models import WorkloadInput  # noqa: E402

STUDIO = "A class booking app for a yoga studio with 500 members, paid by card, on a budget of $300 a month."


def test_a_model_reading_keeps_only_what_the_text_supports() -> None:
    analysis = analyze_requirements(STUDIO)
    read = WorkloadInput(requests_per_second=77, budget_usd_per_month=300, features=["payments", "notifications"],
                         users={"count": 500, "period": "total"})
    kept, notes = checked_reading(read, STUDIO, analysis)
    assert kept is not None and kept.requests_per_second is None  # 77 is nowhere in the text
    assert any("dropped the model's requests_per_second = 77.0" in n for n in notes)
    assert kept.users is None  # the analyzer stated it already: the text's own reading wins
    assert set(kept.features) >= {"payments", "notifications", "booking_scheduling"}  # a complete list, never smaller
    assert notes[-1].startswith("from the model: ")
    unknown, notes = checked_reading(WorkloadInput(features=["teleportation"]), STUDIO, analysis)
    assert unknown is None and "teleportation" in notes[-1]


def _respond(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    prompt = body["contents"][-1]["parts"][0]["text"]
    if "workload fields" in prompt:
        return 200, gemini_text(json.dumps({"budget_usd_per_month": 300, "latency_ms": 250}))
    if "narrative of an architecture review" in prompt:
        return 200, gemini_text(json.dumps({"summary": "Build one small deployable; the studio needs bookings and "
                                                       "card payments, nothing more.",
                                            "rationale": ["Cheapest option within the $300 budget."],
                                            "risks": ["Double bookings at 9am: hold slots atomically."]}))
    if "Criterion (" in prompt:
        return 200, gemini_text(json.dumps({"score": 0.9, "reason": "sound"}))
    return 500, {"error": {"code": 500, "message": "unexpected prompt"}}


@pytest.mark.anyio
async def test_the_report_with_a_model_reads_narrates_and_judges(tmp_path: Path) -> None:
    script = Script([], respond=_respond)
    with serving(script) as url:
        env = {"ARCHWRIGHT_MODEL": "google/gemini-2.5-flash", "GOOGLE_API_KEY": "test-key", "GOOGLE_GEMINI_BASE_URL": url}
        database = await Database.opened(str(tmp_path / "runs.db"))
        tracer = NoOpTracerProvider().get_tracer("t")
        workflow = architecture_report(TracedAdvisor(tracer), models=lambda: chain_from_env(env, base_delay_s=0.01))
        engine = Engine(RunStore(database), {WORKFLOW_ID: workflow}, tracer)
        run = await engine.get((await engine.start(WORKFLOW_ID, {"requirement": STUDIO})).run_id)
        await database.close()
    assert run.status == "success", run.error
    outputs = {s.path: s.output for s in run.steps}
    notes = outputs["analyze"]["model_notes"]
    assert "dropped the model's latency_ms = 250.0: the text states no such number" in notes
    assert notes[-1] == "from the model: budget_usd_per_month"
    summary = outputs["summarize"]["markdown"]
    assert "## In brief (written by google/gemini-2.5-flash from the results below)" in summary
    assert "Double bookings at 9am" in summary and "## The need" in summary  # the deterministic summary stays
    judged = {s["scorer"]: s for s in run.output["scores"] if s["scorer"].endswith(".judge")}
    assert judged and all(s["status"] in ("scored", "not_scorable") for s in judged.values())
    assert any(s["value"] == 0.9 for s in judged.values())
    assert all(body["generationConfig"]["temperature"] == 0 for _, body in script.requests)
