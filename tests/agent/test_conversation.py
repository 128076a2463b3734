"""Follow-ups as people write them (negations, take-backs, two asks in one sentence, numbers about
the team), and what a conversation must never do: lose a turn, inherit an old design, invent one
from a greeting, or leave a thread behind for a refused message."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from archwright.server.agent.advise import AdviseError
from archwright.server.agent.interpreter import interpret
from archwright.server.agent.providers import chain_from_env
from archwright.server.config import Settings
from archwright.server.runtime import Runtime

pytestmark = pytest.mark.anyio
TELEHEALTH = ("A telehealth platform for US clinics where patients book video consultations with licensed doctors "
              "and chat with their care team")


def test_negated_styles_and_clouds_are_not_chosen() -> None:
    assert interpret("let's not use Kubernetes, keep it simple", has_design=True).style is None
    assert interpret("don't use GCP", has_design=True).cloud is None
    assert interpret("move it to Azure instead of AWS", has_design=True).cloud == "azure"
    assert interpret("now show me the Kubernetes version", has_design=True).style == "microservices"
    reset = interpret("go back to the recommended style", has_design=True)
    assert reset.reset_style and "recommendations" not in reset.add_features


def test_two_asks_in_one_sentence_and_numbers_about_the_team() -> None:
    both = interpret("can you remove payments and add subscriptions?", has_design=True)
    assert both.remove_features == ["payments"] and both.add_features == ["subscriptions_billing"]
    team = interpret("the team is 6 people", has_design=True)
    assert team.corrections == {"team": 6}
    hired = interpret("we hired three more engineers", has_design=True)
    assert hired.more_engineers == 3 and hired.corrections == {}
    targets = interpret("our budget is $500 a month and we need 99.99% availability", has_design=True)
    assert targets.corrections == {"budget_usd_per_month": 500, "availability_percent": 99.99}
    dropped = interpret("we no longer need HIPAA", has_design=True)
    assert dropped.remove_compliance == ["hipaa"] and not dropped.new_design
    assert interpret("with video visits and e-prescriptions", has_design=True).new_design is False
    assert interpret("I want to build a telehealth platform", has_design=True).new_design is True


async def test_a_conversation_takes_back_what_it_removed_and_never_inherits_an_old_design(tmp_path: Path) -> None:
    async with Runtime.from_settings(Settings(db_path=str(tmp_path / "c.db"))) as runtime:
        advise = runtime.conversations.advise
        greeting = await advise("hi")
        assert greeting.monthly_cost is None and greeting.reply.startswith("Tell me about the app")
        thread = greeting.thread_id
        await advise(TELEHEALTH, thread_id=thread)
        removed = await advise("remove chat", thread_id=thread)
        assert any("Messaging module" in c for c in removed.changed if c.startswith("components removed"))
        back = await advise("actually add chat back", thread_id=thread)
        assert any("Messaging module" in c for c in back.changed if c.startswith("components added"))
        assert "chat_messaging" not in back.memory.corrections.get("ruled_out", [])
        two = await advise("we are only two engineers", thread_id=thread)
        five = await advise("we hired three more engineers", thread_id=thread)
        assert (two.team_size, five.team_size) == (2, 5)
        hipaa = await advise("we no longer need HIPAA", thread_id=thread)
        assert "hipaa" not in hipaa.memory.corrections["compliance"]
        assert any("PHI access control" in c for c in hipaa.changed if c.startswith("components removed"))
        fresh = await advise("A marketplace app where dog owners book local walkers and pay by card", thread_id=thread)
        stored = await runtime.threads.working_memory(thread)
        assert fresh.memory.corrections == {} and stored["corrections"] == {}  # the old corrections are gone
        assert fresh.memory.requirement.startswith("A marketplace app")


async def test_parallel_turns_on_one_thread_all_land(tmp_path: Path) -> None:
    async with Runtime.from_settings(Settings(db_path=str(tmp_path / "c.db"))) as runtime:
        thread = (await runtime.conversations.advise(TELEHEALTH)).thread_id
        asks = ["add payment processing", "add push notifications", "add search", "switch to GCP",
                "we are only two engineers"]
        async with anyio.create_task_group() as group:
            for ask in asks:
                group.start_soon(lambda m=ask: runtime.conversations.advise(m, thread_id=thread))
        memory = await runtime.threads.working_memory(thread)
    assert {"payments", "notifications", "search"} <= set(memory["corrections"]["features"])
    assert memory["cloud"] == "gcp" and memory["corrections"]["team"] == 2


async def test_a_refused_message_leaves_no_thread_and_secrets_are_not_echoed(tmp_path: Path) -> None:
    async with Runtime.from_settings(Settings(db_path=str(tmp_path / "c.db"))) as runtime:
        for bad in ("   ", "\x07\x07"):
            with pytest.raises(AdviseError):
                await runtime.conversations.advise(bad)
        assert await runtime.threads.list() == []
        key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
        result = await runtime.conversations.advise(f"A booking app for a yoga studio; our key is {key}")
        assert key not in result.memory.model_dump_json() and key not in result.reply


def test_model_settings_that_do_nothing_say_so() -> None:
    assert chain_from_env({"ARCHWRIGHT_MODEL": "gpt-4o"}).notes == [
        "ARCHWRIGHT_MODEL='gpt-4o' is not provider/model (google/..., ollama/...) or offline, so it was ignored."]
    assert chain_from_env({"GEMINI_API_KEY": "k"}).label == "google/gemini-2.5-flash"
