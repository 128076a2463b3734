"""`advise` through the public surface: an offline conversation of follow-ups over a real stdio
server, across a restart; thread tools; a model configured through the loopback stub; fallback."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

sys.path.insert(0, str(Path(__file__).parent))
from stub import Script, gemini_call, gemini_text, serving  # noqa: E402

pytestmark = pytest.mark.anyio
EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _server(db: Path) -> StdioServerParameters:
    return StdioServerParameters(command=str(EXECUTABLE), args=["--db", str(db), "serve"],
                                 env={"PATH": "/usr/bin:/bin", "ARCHWRIGHT_MODEL": "offline"})


async def _say(client: Client, message: str, thread_id: str | None = None) -> dict:
    arguments = {"message": message} | ({"thread_id": thread_id} if thread_id else {})
    result = await client.call_tool("advise", arguments)
    assert not result.is_error, result.content[0].text
    return result.structured_content


async def test_a_conversation_refines_the_design_and_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "conversation.db"
    async with Client(_server(db)) as client:
        first = await _say(client, RIDE)
        thread = first["thread_id"]
        assert first["mode"] == "offline" and first["changed"] == [] and "a new app idea" in first["reply"]
        k8s = await _say(client, "now show me the Kubernetes version", thread)
        assert k8s["shown_style"] == "microservices" and any(c.startswith("style: ") for c in k8s["changed"])
        chat = await _say(client, "add chat between riders and drivers", thread)
        assert any("Messaging service" in c for c in chat["changed"])
    async with Client(_server(db)) as client:  # a new server process on the same file
        scaled = await _say(client, "what if we had 2 million daily users?", thread)
        assert scaled["memory"]["corrections"]["users"] == {"count": 2_000_000, "period": "daily"}
        assert scaled["memory"]["style"] == "microservices"  # remembered across the restart
        assert any(c.startswith("monthly cost: ") for c in scaled["changed"])
        gcp = await _say(client, "switch to GCP", thread)
        assert gcp["cloud"] == "gcp" and any(c.startswith("cloud: aws") for c in gcp["changed"])
        hipaa = await _say(client, "make it HIPAA compliant", thread)
        assert "hipaa" in hipaa["memory"]["corrections"]["compliance"]
        assert any("PHI access control" in c for c in hipaa["changed"])
        small = await _say(client, "we are only two engineers", thread)
        assert small["team_size"] == 2 and small["memory"]["corrections"]["team"] == 2
        assert small["memory"]["corrections"]["features"] and "chat_messaging" in small["memory"]["corrections"]["features"]
        detail = (await client.call_tool("get_thread", {"thread_id": thread})).structured_content
        assert detail["thread"]["message_count"] == 14 and detail["memory"]["cloud"] == "gcp"
        listed = (await client.call_tool("list_threads", {})).structured_content["threads"]
        assert [t["thread_id"] for t in listed] == [thread]
        resource = await client.read_resource(f"archwright://threads/{thread}")
        assert '"requirement": "A ride-sharing app' in resource.contents[0].text
        report = (await client.call_tool("generate_report", {"thread_id": thread})).structured_content
        assert report["status"] == "success"  # the thread's design: its requirement, corrections and cloud
        run = (await client.call_tool("get_workflow_run", {"run_id": report["run_id"]})).structured_content
        steps = json.loads((await client.read_resource(report["run"])).contents[0].text)["steps"]
        analyzed = next(step["output"] for step in steps if step["path"] == "analyze")
        assert analyzed["cloud"] == "gcp" and analyzed["analysis"]["workload"]["team"]["value"] == 2
        assert "hipaa" in {c["id"] for c in analyzed["analysis"]["compliance"]}
        assert run["status"] == "success"
        after = (await client.call_tool("get_thread", {"thread_id": thread})).structured_content
        assert after["memory"]["reports"] == [report["run_id"]] and after["thread"]["message_count"] == 16
        nothing = await client.call_tool("generate_report", {"thread_id": "no-such-thread"})
        assert nothing.is_error and "Give a requirement, or the thread_id" in nothing.content[0].text
        deleted = await client.call_tool("delete_thread", {"thread_id": thread})
        assert deleted.structured_content["deleted"]
        unknown = await client.call_tool("advise", {"message": "switch to GCP", "thread_id": thread})
        assert unknown.is_error and "No thread with id" in unknown.content[0].text
        started = await client.call_tool("advise", {"message": RIDE, "thread_id": "my-thread", "new_thread": True})
        assert not started.is_error and started.structured_content["thread_id"] == "my-thread"


async def test_a_configured_model_reads_the_turn_and_a_dead_one_falls_back(make_server, monkeypatch) -> None:
    script = Script([(200, gemini_call("update_design", {"requirement": RIDE, "cloud": "aws"})),
                     (200, gemini_call("compare_architectures", {"requirement": RIDE, "cloud": "aws"})),
                     (200, gemini_text("Serverless on AWS: about $8,500 a month; I priced it with the tools."))])
    with serving(script) as url:
        monkeypatch.setenv("ARCHWRIGHT_MODEL", "google/gemini-2.5-flash")
        monkeypatch.setenv("GOOGLE_API_KEY", "test-key")
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", url)
        async with Client(make_server()) as client:
            answered = (await client.call_tool("advise", {"message": RIDE})).structured_content
            thread = (await client.call_tool("get_thread", {"thread_id": answered["thread_id"]})).structured_content
    assert answered["mode"] == "google/gemini-2.5-flash" and answered["reply"].startswith("Serverless on AWS")
    assert answered["usage"]["input_tokens"] == 20 + 20 + 11
    assert answered["memory"]["requirement"] == RIDE and answered["monthly_cost"] > 1000  # facts from the advisor
    roles = [m["message"]["role"] for m in thread["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant", "tool", "assistant"]  # tool calls and results kept
    assert '"recommendation"' in thread["messages"][4]["message"]["content"]
    sent = script.requests[0][1]
    assert {d["name"] for d in sent["tools"][0]["functionDeclarations"]} >= {"compare_architectures", "update_design"}

    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    async with Client(make_server()) as client:
        fallen = (await client.call_tool("advise", {"message": RIDE})).structured_content
    assert fallen["mode"] == "offline"
    assert fallen["fallback"].startswith("google/gemini-2.5-flash failed (") and fallen["fallback"].endswith(
        "so the deterministic offline path answered instead")
    assert fallen["reply"].startswith("_google/gemini-2.5-flash failed") and fallen["recommended_style"]
