"""Airflow 3 plugin: the compliance dashboard inside the Airflow UI.

`fastapi_apps` mounts the dashboard under `/compliance` on Airflow's API server, and
`external_views` adds a "Compliance" entry to Airflow's navigation. Plugin routes are not
behind Airflow's login, so the dashboard enforces its own sessions and roles there too.

Airflow imports every plugin in every component (scheduler, workers, dag-processor), so this
module imports nothing heavy: the FastAPI app is built on the first request it serves.
"""

from __future__ import annotations

import threading
from typing import Any

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/compliance"


class LazyDashboard:
    """An ASGI app that builds the dashboard (settings from the environment) when first used."""

    def __init__(self) -> None:
        self._app: Any = None
        self._lock = threading.Lock()

    def _build(self) -> Any:
        with self._lock:
            if self._app is None:
                from claude_compliance.web.app import create_app

                self._app = create_app()
            return self._app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # nothing to start or stop
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self._build()(scope, receive, send)


dashboard = LazyDashboard()


class ComplianceUIPlugin(AirflowPlugin):
    name = "claude_compliance"
    fastapi_apps = [  # noqa: RUF012 - Airflow's plugin interface is class attributes
        {"app": dashboard, "url_prefix": URL_PREFIX, "name": "Claude Compliance dashboard"}
    ]
    external_views = [  # noqa: RUF012
        {
            "name": "Compliance",
            "href": f"{URL_PREFIX}/",
            "destination": "nav",
            "url_route": "compliance",
        }
    ]
