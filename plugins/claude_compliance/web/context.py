"""What every request handler needs, built once per app: settings, stores, readers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyarrow as pa
import sqlalchemy as sa
from fastapi import Request
from fastapi.templating import Jinja2Templates

from claude_compliance import runtime
from claude_compliance.keys.store import KeyStore
from claude_compliance.settings import Settings
from claude_compliance.state.audit import AuditLog
from claude_compliance.state.triage import TriageStore
from claude_compliance.state.users import UserStore
from claude_compliance.web.findings import build_marks
from claude_compliance.web.lake import LakeReader
from claude_compliance.web.warehouse import Warehouse
from scanners import Engine

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")


@dataclass(slots=True)
class WebContext:
    settings: Settings
    engine: sa.Engine
    users: UserStore
    audit: AuditLog
    triage: TriageStore
    warehouse: Warehouse
    lake: LakeReader
    templates: Jinja2Templates
    api_transport: httpx.BaseTransport | None = None
    secure_cookies: bool = False
    _scan_engine: Engine | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        api_transport: httpx.BaseTransport | None = None,
        secure_cookies: bool = False,
    ) -> WebContext:
        engine = runtime.state_engine(settings)
        templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
        from claude_compliance.web.render import setup_filters

        setup_filters(templates.env)
        return cls(
            settings=settings,
            engine=engine,
            users=UserStore(engine),
            audit=AuditLog(engine),
            triage=TriageStore(engine),
            warehouse=Warehouse(settings.published_db_path),
            lake=LakeReader(settings.lake_dir),
            templates=templates,
            api_transport=api_transport,
            secure_cookies=secure_cookies,
        )

    def key_store(self) -> KeyStore:
        return runtime.key_store(self.settings)

    def marks(self) -> pa.Table:
        """Triaged and suppressed findings of the current warehouse version, by row id
        (see `web.findings.build_marks`); rebuilt when the warehouse or the state changes."""

        def build() -> pa.Table:
            with self.warehouse.cursor() as cursor:
                return build_marks(cursor, self.triage.tables())

        return self.warehouse.memo("marks", build, version=self.triage.version())

    def scan_engine(self) -> Engine:
        """The DLP engine with the installation's rules, for masking raw text on display."""
        with self._lock:
            if self._scan_engine is None:
                self._scan_engine = runtime.scan_engine(self.settings)
            return self._scan_engine


def ctx(request: Request) -> WebContext:
    context: WebContext = request.app.state.ctx
    return context
