"""`advise`: the conversational entry point. A message starts a design or refines the one in the
thread's working memory, and the answer says what changed.

With a model configured, the model reads the turn with the working memory in its instructions and
calls the advisor tools (and `update_design` to keep the memory); offline, or when every provider
fails, the deterministic interpreter reads it. Either way the turn and the answer are stored in the
thread, so a conversation survives a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlite3

import anyio
from opentelemetry import trace
from pydantic import BaseModel, Field

from archwright.resources import STYLES, Style, load_catalog
from archwright.server.advisor import TracedAdvisor
from archwright.server.agent.interpreter import Turn, interpret
from archwright.server.agent.loop import Agent, AgentTool
from archwright.server.agent.messages import Message, Usage
from archwright.server.agent.providers import ModelChain, chain_from_env
from archwright.server.store.threads import ThreadStore, thread_uri
from archwright.tools._costs import unpriced_components
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Option
from archwright.tools.summary import money
from archwright.tools.validation import RequirementError, check_requirement
from archwright.tools.workload_models import WorkloadInput

HISTORY_TOKENS = 6_000


class AdviseError(ValueError):
    """A request the caller can fix (an unknown thread)."""


class DesignMemory(BaseModel):
    """The design so far, as a thread remembers it."""

    requirement: str | None = None
    corrections: dict[str, Any] = Field(default_factory=dict, description="The caller's corrections (workload fields).")
    style: Style | None = Field(default=None, description="The style the user asked to see, if any.")
    cloud: Cloud = "aws"
    decisions: list[dict[str, str]] = Field(default_factory=list, description="Decisions taken and why.")
    last: dict[str, Any] | None = Field(default=None, description="The advice last shown, to say what changed.")
    reports: list[str] = Field(default_factory=list, description="Report runs generated in this thread.")
    asked: list[str] = Field(default_factory=list, description="Questions already put to the user (not repeated).")


class AdviseResult(BaseModel):
    thread_id: str
    thread: str = Field(description="Resource with the conversation and its working memory.")
    reply: str
    changed: list[str] = Field(default_factory=list, description="What this turn changed in the advice.")
    mode: str = Field(description="offline, or the provider/model that answered.")
    fallback: str | None = Field(default=None, description="Why a configured model did not answer, in one sentence.")
    recommended_style: Style | None = None
    shown_style: Style | None = None
    cloud: Cloud | None = None
    monthly_cost: float | None = None
    team_size: int | None = None
    weeks_to_mvp: int | None = None
    usage: Usage | None = None
    memory: DesignMemory


class AdviseService:
    def __init__(self, threads: ThreadStore, advisor: TracedAdvisor, tracer: trace.Tracer,
                 chain: Callable[[], ModelChain] = chain_from_env) -> None:
        self.threads = threads
        self.advisor = advisor
        self.tracer = tracer
        self.models = chain
        self._turns: dict[str, anyio.Lock] = {}  # one turn at a time per thread, so no turn loses another's change

    async def advise(self, message: str, *, thread_id: str | None = None, new_thread: bool = False,
                     resource_id: str | None = None) -> AdviseResult:
        try:
            message = check_requirement(message)  # refused before any thread is made
        except RequirementError as error:
            raise AdviseError(str(error)) from None
        thread_id = await self._thread(thread_id, new_thread, resource_id, title=message[:80])
        lock = self._turns.setdefault(thread_id, anyio.Lock())
        async with lock:
            try:
                return await self._turn(thread_id, message)
            except sqlite3.IntegrityError:  # the thread was deleted while this turn ran
                raise AdviseError(f"Thread {thread_id} was deleted during this turn; nothing was kept.") from None

    async def _turn(self, thread_id: str, message: str) -> AdviseResult:
        memory = DesignMemory.model_validate(await self.threads.working_memory(thread_id))
        chain = self.models()
        fallback: str | None = " ".join(chain.notes) or None
        if not chain.offline:
            result = await self._with_model(chain, thread_id, message, memory)
            if result is not None:
                return result
            fallback = " ".join(chain.fallbacks) or "the configured model did not answer"
        return await self._offline(thread_id, message, memory, fallback)

    async def _thread(self, thread_id: str | None, new_thread: bool, resource_id: str | None, title: str) -> str:
        if thread_id is None:
            return (await self.threads.create(resource_id=resource_id, title=title)).thread_id
        if await self.threads.get(thread_id) is not None:
            return thread_id
        if not new_thread:
            raise AdviseError(f"No thread with id {thread_id}; pass new_thread: true to start one with that id, "
                              "or leave thread_id out for a new conversation.")
        return (await self.threads.create(resource_id=resource_id, title=title, thread_id=thread_id)).thread_id

    async def _offline(self, thread_id: str, message: str, memory: DesignMemory, fallback: str | None) -> AdviseResult:
        turn = interpret(message, has_design=memory.requirement is not None)
        if turn.vague:  # a greeting or "an app": ask, rather than price an invented design
            reply = ("Tell me about the app you want to build. " + " ".join(turn.questions[:3])).strip()
            await self._remember(thread_id, message, reply, memory, {"mode": "offline", "changed": []})
            return AdviseResult(thread_id=thread_id, thread=thread_uri(thread_id), reply=reply, mode="offline",
                                fallback=fallback, memory=self._shown(memory))
        memory = self._applied(turn, memory)
        analysis, designs, comparison, shown = self._advice_on(memory)
        snapshot = _snapshot(shown, designs[shown.style], comparison)
        changed = _changes(memory.last, snapshot) if not turn.new_design else []
        questions = [q for q in analysis.questions if q not in memory.asked][:2]
        memory = memory.model_copy(update={"last": snapshot, "asked": [*memory.asked, *questions][-20:]})
        reply = _reply(turn, comparison, shown, designs[shown.style], changed, fallback, questions)
        await self._remember(thread_id, message, reply, memory, {"mode": "offline", "changed": changed})
        return AdviseResult(thread_id=thread_id, thread=thread_uri(thread_id), reply=reply, changed=changed,
                            mode="offline", fallback=fallback, recommended_style=comparison.recommendation.style,
                            shown_style=shown.style, cloud=memory.cloud, monthly_cost=shown.monthly_cost.expected,
                            team_size=shown.team_size, weeks_to_mvp=shown.time_to_mvp_weeks, memory=self._shown(memory))

    def _advice_on(self, memory: DesignMemory) -> tuple[Analysis, dict[Style, Architecture], Comparison, Option]:
        """The advisor's advice on the design in memory, and the option to show (the style asked for,
        else the recommended one)."""
        analysis = self.advisor.analyze(memory.requirement or "", _corrections(memory))
        designs = self.advisor.designs(analysis, list(STYLES), memory.cloud)
        comparison = self.advisor.compare(analysis, designs, memory.cloud)
        return analysis, designs, comparison, _option(comparison, memory.style)

    def _shown(self, memory: DesignMemory) -> DesignMemory:
        """The memory as a result carries it: redacted like the stored copy."""
        return DesignMemory.model_validate(self.threads.redact(memory.model_dump(mode="json")))

    def _applied(self, turn: Turn, memory: DesignMemory) -> DesignMemory:
        """The memory with this turn's changes: a new idea starts afresh (keeping the cloud asked for)."""
        if turn.new_design:
            return DesignMemory(requirement=turn.requirement, cloud=turn.cloud or memory.cloud, style=turn.style,
                                decisions=[{"what": "started a design", "why": "a new app idea"}])
        corrections = {**memory.corrections, **turn.corrections}
        if turn.more_engineers:  # relative to the team the last answer showed
            current_team = corrections.get("team") or (memory.last or {}).get("team") or 1
            corrections["team"] = current_team + turn.more_engineers
        if turn.add_features or turn.remove_features or turn.add_compliance or turn.remove_compliance:
            current = self.advisor.analyze(memory.requirement or "", _corrections(memory))
        if turn.add_features or turn.remove_features:
            features = {f.id for f in current.features}
            corrections["features"] = sorted((features | set(turn.add_features)) - set(turn.remove_features))
            # What is added back is no longer ruled out; what is removed is.
            ruled_out = (set(corrections.get("ruled_out", [])) - set(turn.add_features)) | set(turn.remove_features)
            corrections["ruled_out"] = sorted(ruled_out)
        if turn.add_compliance or turn.remove_compliance:
            regimes = {c.id for c in current.compliance}
            corrections["compliance"] = sorted((regimes | set(turn.add_compliance)) - set(turn.remove_compliance))
        decisions = [*memory.decisions, *({"what": what, "why": "asked in the conversation"} for what in turn.understood)]
        style = None if turn.reset_style else (turn.style or memory.style)
        return memory.model_copy(update={"corrections": corrections, "style": style,
                                         "cloud": turn.cloud or memory.cloud, "decisions": decisions[-30:]})

    async def _remember(self, thread_id: str, message: str, reply: str, memory: DesignMemory,
                        metadata: dict[str, Any], extra: list[Message] | None = None) -> None:
        await self.threads.add(thread_id, Message(role="user", content=message), *(extra or []),
                               Message(role="assistant", content=reply), metadata=metadata)
        # The whole record replaces the stored one: a new idea must not inherit the old corrections.
        await self.threads.replace_working_memory(thread_id, memory.model_dump(mode="json"))

    async def _with_model(self, chain: ModelChain, thread_id: str, message: str,
                          memory: DesignMemory) -> AdviseResult | None:
        """The model reads the turn and calls the tools; None when no provider answered."""
        state = {"memory": memory}

        async def update_design(patch: DesignPatch) -> dict[str, Any]:
            merged = {**state["memory"].model_dump(mode="json"), **patch.model_dump(exclude_none=True)}
            state["memory"] = DesignMemory.model_validate(merged)
            return state["memory"].model_dump(mode="json")

        tools = [*self._advisor_tools(state),
                 AgentTool("update_design", "Record the design so far in working memory: the requirement as refined, "
                           "corrections, style, cloud, and decisions with their reasons.", DesignPatch, update_design)]
        history = [m.message for m in await self.threads.messages(thread_id, token_budget=HISTORY_TOKENS)]
        agent = Agent("archwright_advisor", _instructions(memory), tools, chain, self.tracer)
        result = await agent.run([*history, Message(role="user", content=message)])
        if result.status == "offline":
            return None
        memory = state["memory"]
        reply = result.text or f"(The model stopped: {result.status}.)"
        await self._remember(thread_id, message, reply, memory, {"mode": result.model, "status": result.status},
                             extra=result.messages[:-1] if result.messages and result.messages[-1].content == reply
                             else result.messages)
        facts: dict[str, Any] = {}
        if memory.requirement:  # the structured fields come from the advisor, whatever the model wrote
            _, _, comparison, shown = self._advice_on(memory)
            facts = {"recommended_style": comparison.recommendation.style, "shown_style": shown.style,
                     "monthly_cost": shown.monthly_cost.expected, "team_size": shown.team_size,
                     "weeks_to_mvp": shown.time_to_mvp_weeks}
        return AdviseResult(thread_id=thread_id, thread=thread_uri(thread_id), reply=reply, mode=result.model,
                            fallback=" ".join(result.fallbacks) or None, cloud=memory.cloud, usage=result.usage,
                            memory=self._shown(memory), **facts)

    def _advisor_tools(self, state: dict[str, Any]) -> list[AgentTool]:
        advisor = self.advisor

        async def analyze(given: RequirementArgs) -> Analysis:
            return advisor.analyze(given.requirement, _corrections(state["memory"]))

        async def compare(given: CompareArgs) -> dict[str, Any]:
            analysis = advisor.analyze(given.requirement, _corrections(state["memory"]))
            return _compact(advisor.compare(analysis, advisor.designs(analysis, list(STYLES), given.cloud), given.cloud))

        async def design(given: DesignArgs) -> dict[str, Any]:
            analysis = advisor.analyze(given.requirement, _corrections(state["memory"]))
            built = advisor.design(analysis, given.style, given.cloud)
            return {"style": built.style, "cloud": built.cloud, "region": built.region, "summary": built.summary,
                    "components": [f"{c.name} ({c.service})" for c in built.components]}

        return [
            AgentTool("analyze_requirements", "Read a requirement into domains, features, compliance and the workload.",
                      RequirementArgs, analyze),
            AgentTool("compare_architectures", "Price, staff and score every style for a requirement on a cloud.",
                      CompareArgs, compare),
            AgentTool("design_architecture", "One style's components, connections and Mermaid diagram.",
                      DesignArgs, design),
        ]


class RequirementArgs(BaseModel):
    requirement: str = Field(min_length=1, max_length=20_000)


class CompareArgs(RequirementArgs):
    cloud: Cloud = "aws"


class DesignArgs(CompareArgs):
    style: Style = "monolith"


class DesignPatch(BaseModel):
    requirement: str | None = None
    corrections: dict[str, Any] | None = None
    style: Style | None = None
    cloud: Cloud | None = None
    decisions: list[dict[str, str]] | None = None


def _compact(comparison: Comparison) -> dict[str, Any]:
    """A comparison as a model needs it: each option's cost, team, time and score, and the pick (the
    full line items would crowd out the conversation)."""
    return {"recommendation": {"style": comparison.recommendation.style,
                               "rationale": comparison.recommendation.rationale[:3]},
            "options": [{"style": o.style, "monthly_cost": {"low": o.monthly_cost.low, "expected": o.monthly_cost.expected,
                                                            "high": o.monthly_cost.high},
                         "dominant_driver": o.monthly_cost.dominant_driver, "team_size": o.team_size,
                         "weeks_to_mvp": o.time_to_mvp_weeks, "weighted_score": o.weighted_score}
                        for o in comparison.options]}


def _instructions(memory: DesignMemory) -> str:
    return ("You are Archwright, a senior cloud architect. Refine the design in working memory with the user: call "
            "compare_architectures or design_architecture for facts (never invent prices), call update_design to "
            "record what the user decided and why, and answer with what changed. Working memory: "
            + json.dumps(memory.model_dump(mode="json"))[:4000])


def _corrections(memory: DesignMemory) -> WorkloadInput | None:
    return WorkloadInput.model_validate(memory.corrections) if memory.corrections else None


def _option(comparison: Comparison, style: Style | None) -> Option:
    wanted = style or comparison.recommendation.style
    return next(o for o in comparison.options if o.style == wanted)


def _snapshot(option: Option, design: Architecture, comparison: Comparison) -> dict[str, Any]:
    return {"style": option.style, "cloud": design.cloud, "region": design.region,
            "monthly_cost": round(option.monthly_cost.expected, 2), "team": option.team_size,
            "weeks": option.time_to_mvp_weeks, "recommended": comparison.recommendation.style,
            "components": sorted(c.name for c in design.components)}


def _changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return []
    catalog = load_catalog()
    changed = []
    if before["style"] != after["style"]:
        changed.append(f"style: {catalog.styles[before['style']].name} -> {catalog.styles[after['style']].name}")
    if before["cloud"] != after["cloud"] or before["region"] != after["region"]:
        changed.append(f"cloud: {before['cloud']} ({before['region']}) -> {after['cloud']} ({after['region']})")
    if money(before["monthly_cost"]) != money(after["monthly_cost"]):
        changed.append(f"monthly cost: {money(before['monthly_cost'])} -> {money(after['monthly_cost'])}")
    if before["team"] != after["team"]:
        changed.append(f"team: {before['team']} -> {after['team']} engineers")
    if before["weeks"] != after["weeks"]:
        changed.append(f"weeks to MVP: {before['weeks']} -> {after['weeks']}")
    if before["recommended"] != after["recommended"]:
        changed.append(f"recommended style: {before['recommended']} -> {after['recommended']}")
    added = sorted(set(after["components"]) - set(before["components"]))
    removed = sorted(set(before["components"]) - set(after["components"]))
    if added:
        changed.append("components added: " + ", ".join(added))
    if removed:
        changed.append("components removed: " + ", ".join(removed))
    return changed


def _reply(turn: Turn, comparison: Comparison, shown: Option, design: Architecture, changed: list[str],
           fallback: str | None, questions: list[str]) -> str:
    catalog = load_catalog()
    cost = shown.monthly_cost
    lines = []
    if fallback:
        lines.append(f"_{fallback}_")
    lines.append("**Understood:** " + "; ".join(turn.understood or ["no change I could read; here is the design"]) + ".")
    lines.append(f"**{shown.name} on {catalog.clouds[design.cloud].name} ({design.region})**: about "
                 f"{money(cost.expected)} a month ({money(cost.low)}-{money(cost.high)}), {shown.team_size} engineers, "
                 f"~{shown.time_to_mvp_weeks} weeks to an MVP. {cost.dominant_driver}")
    unpriced = unpriced_components(design, cost.line_items)
    if unpriced:
        lines.append("Not in this figure (no unit price yet on this cloud): "
                     + ", ".join(f"{c.name} ({c.service})" for c in unpriced) + ".")
    recommended = comparison.recommendation
    if recommended.style != shown.style:
        lines.append(f"Recommended instead: {catalog.styles[recommended.style].name}. {recommended.rationale[0]}")
    else:
        lines.append(f"Why this style: {' '.join(recommended.rationale[:2])}")
    lines.append("**What changed:** " + ("; ".join(changed) + "." if changed else
                                         "a first design." if turn.new_design else "nothing in the advice."))
    modules = [c.name for c in design.components if c.layer == "application"]
    lines.append(f"**Modules ({len(modules)}):** {', '.join(modules)}.")
    if questions:
        lines.append("**Worth settling next:** " + " ".join(questions))
    return "\n\n".join(lines)
