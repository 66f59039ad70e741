"""An MCP server built with the official Python SDK (PyPI `mcp`), for the probe's tests.

    python tests/support/python_server.py --port 8123 [--cors]

Without --cors it is what a Python author gets by default: no CORS headers, so a page can't
read its answers. With --cors it adds the CORS middleware configured the way the README tells
server authors to (origins, methods, the MCP headers allowed, the session id exposed).
"""

import argparse

import uvicorn
from starlette.middleware.cors import CORSMiddleware

from mcp.server.mcpserver import MCPServer


def build_server() -> MCPServer:
    server = MCPServer("mcp-status-python-test-server")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def echo(text: str) -> str:
        """Echo the text back."""
        return text

    @server.tool(title="Current time")
    def now() -> str:
        """The server's clock, in ISO 8601."""
        import datetime

        return datetime.datetime.now(datetime.timezone.utc).isoformat()

    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cors", action="store_true")
    args = parser.parse_args()
    app = build_server().streamable_http_app(host="127.0.0.1")
    if args.cors:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["content-type", "mcp-session-id", "mcp-protocol-version", "mcp-method", "mcp-name", "authorization"],
            expose_headers=["mcp-session-id", "www-authenticate"],
        )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
