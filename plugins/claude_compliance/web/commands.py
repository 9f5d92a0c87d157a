"""`claude-compliance serve`: the dashboard on its own (uvicorn)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from claude_compliance.settings import Settings


def add_parser_to(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the compliance dashboard")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    serve.add_argument(
        "--secure-cookies",
        action="store_true",
        help="mark cookies Secure (set this when serving behind HTTPS)",
    )
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from claude_compliance.state.users import UserStore
    from claude_compliance.web.app import create_app

    settings = Settings.load()
    app = create_app(settings, secure_cookies=args.secure_cookies)
    if UserStore(app.state.ctx.engine).count() == 0:
        print(
            "warning: no dashboard account yet; create one with\n"
            "  claude-compliance users add --username admin --role admin",
            file=sys.stderr,
        )
    print(f"Claude Compliance dashboard on http://{args.host}:{args.port}/", file=sys.stderr)
    # No forwarded-header handling in uvicorn (it trusts loopback by default, so anyone who
    # reaches the port through a local proxy could name any client address): the app reads
    # X-Forwarded-For itself, from CLAUDE_COMPLIANCE_TRUSTED_PROXIES only.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        forwarded_allow_ips="",
    )
    return 0
