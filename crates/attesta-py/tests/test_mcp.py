"""MCP servers in Python: the official SDK's real client talks to a real server process over
stdio; the server's tool handler is wrapped by `attesta_tool_handler`. Runs against mcp 2.x (main
test environment) and mcp 1.x (the CrewAI environment), which have different handler shapes."""

import json
import sys
import textwrap
from importlib.metadata import version

import pytest

mcp = pytest.importorskip("mcp")

MCP_MAJOR = int(version("mcp").split(".")[0])

TOOLS = """[
    {"name": "read_file", "description": "Read a text file.", "inputSchema": {"type": "object", "properties": {"path": {"type": "string"}}}},
    {"name": "delete_file", "description": "Permanently delete a file.", "inputSchema": {"type": "object", "properties": {"path": {"type": "string"}}}},
]"""

SERVER_V2 = f"""
import sys
import anyio
import mcp_types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server
from attesta import Attesta
from attesta.integrations.mcp import attesta_tool_handler

ran_log, audit = sys.argv[1], sys.argv[2]
attesta = Attesta(audit_path=audit)

async def list_tools(ctx, params):
    return types.ListToolsResult(tools=[types.Tool.model_validate(t) for t in {TOOLS}])

@attesta_tool_handler(attesta)
async def call_tool(ctx, params):
    with open(ran_log, "a") as f:
        f.write(params.name + " " + params.arguments["path"] + "\\n")
    return types.CallToolResult(content=[types.TextContent(type="text", text="did " + params.name)])

server = Server("files", on_list_tools=list_tools, on_call_tool=call_tool)

async def main():
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""

SERVER_V1 = f"""
import sys
import anyio
import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from attesta import Attesta
from attesta.integrations.mcp import attesta_tool_handler

ran_log, audit = sys.argv[1], sys.argv[2]
attesta = Attesta(audit_path=audit)
server = Server("files")

@server.list_tools()
async def list_tools():
    return [types.Tool.model_validate(t) for t in {TOOLS}]

@server.call_tool()
@attesta_tool_handler(attesta)
async def call_tool(name, arguments):
    with open(ran_log, "a") as f:
        f.write(name + " " + arguments["path"] + "\\n")
    return [types.TextContent(type="text", text="did " + name)]

async def main():
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
"""


def is_error(result):
    return getattr(result, "is_error", None) if hasattr(result, "is_error") else result.isError


async def call_over_stdio(tmp_path, calls):
    script = tmp_path / "server.py"
    script.write_text(SERVER_V2 if MCP_MAJOR >= 2 else SERVER_V1)
    ran, audit = tmp_path / "ran.log", tmp_path / "audit.jsonl"
    from mcp import StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=[str(script), str(ran), str(audit)], cwd=str(tmp_path))
    results = []
    if MCP_MAJOR >= 2:
        from mcp.client.client import Client

        async with Client(params) as client:
            for name, args in calls:
                results.append(await client.call_tool(name, args))
    else:
        from mcp import ClientSession
        from mcp.client.stdio import stdio_client

        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                for name, args in calls:
                    results.append(await session.call_tool(name, args))
    ran_lines = ran.read_text().splitlines() if ran.exists() else []
    entries = [json.loads(l) for l in audit.read_text().splitlines()]
    return results, ran_lines, entries


async def test_denied_call_returns_is_error_and_never_reaches_the_handler(tmp_path):
    results, ran, entries = await call_over_stdio(
        tmp_path, [("read_file", {"path": "notes.txt"}), ("delete_file", {"path": "/etc/passwd"})]
    )
    read, delete = results
    assert not is_error(read)
    assert read.content[0].text == "did read_file"
    assert is_error(delete) is True
    text = delete.content[0].text
    assert text.startswith("Denied by Attesta: tool 'delete_file' was not run")
    assert ran == ["read_file notes.txt"]
    assert [e["verdict"] for e in entries] == ["approved", "denied"]
    assert all(e["metadata"]["source"] == "mcp" for e in entries)
    assert entries[1]["entry_id"] in text


async def test_tool_function_style():
    from attesta import Attesta
    from attesta.integrations.mcp import attesta_tool_handler

    attesta = Attesta(audit=False)
    ran = []
    if MCP_MAJOR >= 2:
        from mcp.client.client import Client
        from mcp.server.mcpserver import MCPServer

        server = MCPServer("tools")
    else:
        from mcp.server.fastmcp import FastMCP
        from mcp.shared.memory import create_connected_server_and_client_session

        server = FastMCP("tools")

    @server.tool()
    @attesta_tool_handler(attesta)
    def drop_table(table: str) -> str:
        """Drop a database table and all of its rows."""
        ran.append(table)
        return "dropped"

    @server.tool()
    @attesta_tool_handler(attesta)
    async def list_tables() -> str:
        """List the tables."""
        return "users, orders"

    if MCP_MAJOR >= 2:
        async with Client(server) as client:
            dropped = await client.call_tool("drop_table", {"table": "users"})
            listed = await client.call_tool("list_tables", {})
    else:
        async with create_connected_server_and_client_session(server._mcp_server) as client:
            dropped = await client.call_tool("drop_table", {"table": "users"})
            listed = await client.call_tool("list_tables", {})
    assert is_error(dropped) is True
    assert "Denied by Attesta: tool 'drop_table' was not run" in dropped.content[0].text
    assert ran == []
    assert not is_error(listed)
    assert listed.content[0].text == "users, orders"
