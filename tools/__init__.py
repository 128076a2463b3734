"""The advisor: pure, synchronous, deterministic functions from a requirement to advice.

Nothing here imports the server, MCP, storage or telemetry; each tool is a plain function from
a string or pydantic model to a pydantic model, fast enough to call thousands of times a second.
"""
