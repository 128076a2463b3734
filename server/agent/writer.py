"""What a configured model adds to a report, always checked against the deterministic results:

- `read_requirement`: the model reads the requirement into workload fields (structured output);
  every number it states must appear in the text and every id must exist, or the field is dropped,
  and only gaps the analyzer left are filled. The analysis then records those fields as `given`.
- `narrate`: the model writes the summary's narrative (what to build, why, the risks) from the
  structured results, revising with the scorers' findings when there are any. The deterministic
  summary stays below it: the figures a reader checks are never the model's.
- `chain_judge`: the judge the scorers' judge variants call.

Each returns None (and the caller keeps the deterministic result) when no provider answers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from archwright.resources import load_catalog
from archwright.server.agent.messages import Message
from archwright.server.agent.providers import AllProvidersFailed, ModelChain
from archwright.server.evals.judge import JudgeRequest
from archwright.tools.corrections import CorrectionError, check_ids
from archwright.tools.models import Analysis, Comparison, Summary
from archwright.tools.report import Advice
from archwright.tools.workload_models import WorkloadInput

_NUMBER = re.compile(r"\d[\d,.]*")
# Workload fields that are numbers the text must state, and how to write them as the text might.
_NUMERIC = ("requests_per_second", "events_per_second", "questions_per_day", "team", "budget_usd_per_month",
            "latency_ms", "availability_percent", "retention_days")


class Narrative(BaseModel):
    summary: str = Field(min_length=1, max_length=2_000, description="Two to four sentences: what to build and why.")
    rationale: list[str] = Field(min_length=1, max_length=6, description="Why this style, citing the figures given.")
    risks: list[str] = Field(min_length=1, max_length=6, description="The risks that matter for this app, each with "
                             "its mitigation.")


async def read_requirement(chain: ModelChain, requirement: str, analysis: Analysis) -> tuple[WorkloadInput | None, list[str]]:
    """The model's reading of the gaps the analyzer left, checked; the notes say what was kept or dropped."""
    prompt = ("Read this app requirement into the workload fields of the JSON schema. Only state what the text "
              "says; leave everything else out. Ids must be from the knowledge base.\n\nRequirement:\n" + requirement)
    try:
        reply = await chain.chat([Message(role="user", content=prompt)], schema=WorkloadInput.model_json_schema())
        read = WorkloadInput.model_validate_json(reply.text or "{}")
    except AllProvidersFailed:
        return None, []
    except (ValidationError, ValueError) as error:
        return None, [f"the model's reading was not the workload structure ({str(error).splitlines()[0][:120]})"]
    return checked_reading(read, requirement, analysis)


def checked_reading(read: WorkloadInput, requirement: str, analysis: Analysis) -> tuple[WorkloadInput | None, list[str]]:
    """Keep only what the text supports and the analyzer did not already state."""
    notes: list[str] = []
    stated_numbers = {_plain_number(n) for n in _NUMBER.findall(requirement)}
    kept: dict[str, Any] = {}
    for name in read.given_fields():
        value = getattr(read, name)
        if name in _NUMERIC and _plain_number(str(value)) not in stated_numbers:
            notes.append(f"dropped the model's {name} = {value}: the text states no such number")
            continue
        if name == "users" and _plain_number(str(value.count)) not in stated_numbers and not _scaled_in(
                value.count, requirement):
            notes.append(f"dropped the model's users = {value.count}: the text states no such number")
            continue
        if _already_stated(name, analysis):
            continue
        if name in ("features", "compliance"):  # a complete list: never lose what the analyzer found
            found = {f.id for f in analysis.features} if name == "features" else {c.id for c in analysis.compliance}
            if set(value) <= found:
                continue
            value = sorted(found | set(value))
        kept[name] = value
    if not kept:
        return None, notes
    reading = WorkloadInput.model_validate(kept)
    try:
        check_ids(reading, load_catalog())
    except CorrectionError as error:
        notes.append(f"dropped the model's reading: {str(error)[:200]}")
        return None, notes
    notes.append("from the model: " + ", ".join(sorted(kept)))
    return reading, notes


async def narrate(chain: ModelChain, advice: Advice, findings: list[str] | None = None) -> Summary | None:
    """The deterministic summary with the model's narrative on top; None when no model answered."""
    facts = _facts(advice.analysis, advice.comparison)
    revise = ("\nA reviewer found these problems in the last draft; fix them:\n- " + "\n- ".join(findings)) if findings else ""
    prompt = ("Write the narrative of an architecture review for a CTO from these results. Use only the figures "
              f"given; do not invent prices or services.{revise}\n\nResults:\n{json.dumps(facts)[:12_000]}")
    try:
        reply = await chain.chat([Message(role="user", content=prompt)], schema=Narrative.model_json_schema())
        story = Narrative.model_validate_json(reply.text)
    except (AllProvidersFailed, ValidationError, ValueError):
        return None
    section = (f"## In brief (written by {reply.provider}/{reply.model} from the results below)\n\n{story.summary}\n\n"
               + "\n".join(f"- {line}" for line in story.rationale) + "\n\n**Risks**\n\n"
               + "\n".join(f"- {line}" for line in story.risks) + "\n\n")
    head, _, rest = advice.summary.markdown.partition("\n\n")
    return advice.summary.model_copy(update={"markdown": f"{head}\n\n{section}{rest}"})


def chain_judge(chain: ModelChain):  # -> async Judge
    async def judge(request: JudgeRequest) -> str:
        reply = await chain.chat([Message(role="user", content=request.prompt)], schema=request.schema_)
        return reply.text

    return judge


def _facts(analysis: Analysis, comparison: Comparison) -> dict[str, Any]:
    return {
        "requirement": analysis.requirement[:3_000], "domain": analysis.primary_domain,
        "features": [f.id for f in analysis.features], "compliance": [c.id for c in analysis.compliance],
        "scale": analysis.scale.model_dump(include={"tier", "daily_active_users", "peak_rps"}),
        "recommendation": {"style": comparison.recommendation.style, "rationale": comparison.recommendation.rationale},
        "options": [{"style": o.style, "monthly_cost": round(o.monthly_cost.expected), "team": o.team_size,
                     "weeks": o.time_to_mvp_weeks, "dominant": o.monthly_cost.dominant_driver} for o in comparison.options],
    }


def _plain_number(text: str) -> str:
    digits = text.replace(",", "")
    try:
        return f"{float(digits):g}"
    except ValueError:
        return digits


def _scaled_in(count: int, text: str) -> bool:
    """'2M users', '100k' and '1.5 million' state 2,000,000, 100,000 and 1,500,000."""
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(k|m|million|thousand|bn|billion)\b", text, re.I):
        scale = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}[unit.lower()]
        if abs(float(number) * scale - count) < 0.5:
            return True
    return False


def _already_stated(name: str, analysis: Analysis) -> bool:
    """Whether the analyzer already read this field from the text (the text's own reading wins)."""
    workload = analysis.workload
    if name == "users":
        return analysis.users is not None
    if name == "team":
        return workload.team is not None
    if name == "primary_domain":
        return analysis.primary_domain != "general"  # the model names a domain only where the patterns found none
    if name in ("features", "compliance"):
        return False  # ids: the model's list may add what the patterns missed; check_ids guards them
    if name in ("latency_ms", "availability_percent"):
        return getattr(workload.targets, name) is not None and getattr(workload.targets, name).provenance == "stated"
    return False
