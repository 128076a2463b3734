"""Everything that runs: the MCP surface, the command line, configuration and logging.

`server` adapts the pure advisor in `tools` to MCP; arrows point one way only
(server -> tools -> resources).
"""
