"""A copy of the session's published warehouse and lake (`tests.fixtures.warehouse`: keys
add + run against the simulator), plus one crafted chat whose text and name carry markup, so
the web tests can prove that user content renders inert and sensitive values stay masked.

Each test gets its own state DB (accounts, sessions, triage, audit) over the shared lake and
warehouse, and a logged-in client per role.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from claude_compliance.settings import Settings
from claude_compliance.state.schema import users_table
from tests.fixtures.simulator import ANCHOR
from tests.fixtures.warehouse import Published, copy_home, use_home

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "admin")
XSS_CHAT = "claude_chat_01XSSxssXSSxssXSSxss01"
XSS_MESSAGE = "claude_chat_msg_01XSSxssXSSxssXSSxs1"
XSS_TEXT = (
    'Please check <script>alert("xss-body")</script> and <img src=x onerror=alert(2)> '
    "the card {card} before Friday."
)
XSS_NAME = "<script>alert('xss-name')</script> budget"


@dataclass(frozen=True)
class Built:
    home: Path
    env: dict[str, str]
    settings: Settings
    key_id: str
    sim: Any
    planted_card: str
    xss_finding_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def build(published: Published, home: Path) -> Built:
    """A copy of the session's published home, plus the crafted chat."""
    copy_home(published, home)
    with pytest.MonkeyPatch.context() as mp:
        settings = use_home(mp, home, published.env)
        sim = published.sim
        card = next(e.value for e in sim.truth() if e.category == "credit_card")
        xss_id = _craft_xss_chat(settings, published.key_id, card)
        with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
            counts = {
                t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
                for t in ("findings", "scanned_inputs", "activities", "users", "chats")
            }
    env = {"CLAUDE_COMPLIANCE_HOME": str(home), **published.env}
    return Built(home, env, settings, published.key_id, sim, card, xss_id, counts)


def _craft_xss_chat(settings: Settings, key_id: str, card: str) -> str:
    """A chat whose name and message carry markup, in the lake and the warehouse."""
    from claude_compliance import runtime
    from claude_compliance.lake.interval import Interval
    from claude_compliance.lake.schemas import RAW
    from claude_compliance.lake.writer import write_interval

    text = XSS_TEXT.format(card=card)
    start = datetime(ANCHOR.year, ANCHOR.month, ANCHOR.day, tzinfo=UTC) - timedelta(days=10)
    interval = Interval(start, start + timedelta(hours=1))
    created = start + timedelta(minutes=5)
    row = {name: None for name in RAW["chat_messages"].names}
    row.update(
        message_id=XSS_MESSAGE,
        chat_id=XSS_CHAT,
        role="user",
        created_at=created,
        text=text,
        file_ids=[],
        raw_json="{}",
        key_id=key_id,
        synced_at=created,
    )
    write_interval(
        settings.lake_dir, "raw", "chat_messages", key_id, interval, [row], RAW["chat_messages"]
    )
    findings = runtime.scan_engine(settings).scan(text)
    assert findings, "the crafted message must carry a detectable value"
    finding = findings[0]
    finding_id = "0" * 24 + "c0ffee01"
    with duckdb.connect(str(settings.published_db_path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(
            "insert into chats select * replace (? as chat_id, ? as chat_name, "
            "? as created_at, ? as updated_at) from chats limit 1",
            [XSS_CHAT, XSS_NAME, created, created],
        )
        user_id, email, org, org_name = con.execute(
            "select c.user_id, c.user_email, c.organization_uuid, o.organization_name "
            "from chats c left join organizations o using (organization_uuid) "
            "where c.chat_id = ?",
            [XSS_CHAT],
        ).fetchall()[0]
        con.execute(
            "insert into findings select * replace (? as finding_id, ? as source, "
            "? as source_id, ? as chat_id, null::varchar as project_id, ? as occurred_at, "
            "? as detector, ? as category, ? as severity, ? as start_offset, "
            "? as end_offset, ? as redacted_match, ? as fingerprint, ? as user_id, "
            "? as user_email, ? as organization_uuid, ? as organization_name) "
            "from findings limit 1",
            [
                finding_id,
                "chat_message",
                XSS_MESSAGE,
                XSS_CHAT,
                created,
                finding.detector,
                finding.category.value,
                finding.severity.value,
                finding.start,
                finding.end,
                finding.redacted,
                finding.fingerprint,
                user_id,
                email,
                org,
                org_name,
            ],
        )
        # as dbt would: the daily mart counts every finding (its own group: a day of its own)
        con.execute(
            "insert into findings_daily (day, key_id, organization_uuid, source, category, "
            "severity, finding_count) values (?, ?, ?, 'chat_message', ?, ?, 1)",
            [created.date(), key_id, org, finding.category.value, finding.severity.value],
        )
    return finding_id


class Web:
    """The app over the shared warehouse with a fresh state DB, and a client per role."""

    def __init__(self, built: Built, tmp_path: Path, api_url: str | None = None) -> None:
        from fastapi.testclient import TestClient

        from claude_compliance import runtime
        from claude_compliance.state.users import UserStore
        from claude_compliance.web.app import create_app

        self.built = built
        self.settings = dataclasses.replace(
            built.settings,
            state_db_url=f"sqlite:///{tmp_path / 'state.db'}",
            api_url=api_url or built.settings.api_url,
        )
        # over loopback when given a URL, else the simulator in process
        transport = None if api_url else built.sim.transport()
        self.app = create_app(self.settings, api_transport=transport)
        self.engine = runtime.state_engine(self.settings)
        self.users = UserStore(self.engine)
        with self.engine.begin() as conn:  # a cheap hash: full-cost scrypt per login is ~1 s here
            for role in ROLES:
                conn.execute(
                    users_table.insert().values(
                        username=role,
                        password_hash=_cheap_hash(),
                        role=role,
                        is_disabled=False,
                        created_at=datetime.now(UTC),
                        created_by="fixture",
                    )
                )
        self._client_class = TestClient
        self._clients: dict[str, Any] = {}
        self.csrf: dict[str, str] = {}

    def anonymous(self) -> Any:
        return self._client_class(self.app, follow_redirects=False)

    def client(self, role: str) -> Any:
        """A client signed in through the login form (so the login CSRF is exercised)."""
        if role not in self._clients:
            client = self._client_class(self.app, follow_redirects=False)
            form = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token is not None
            done = client.post(
                "/login",
                data={
                    "username": role,
                    "password": PASSWORD,
                    "csrf_token": token.group(1),
                    "next": "/",
                },
            )
            assert done.status_code == 303, done.text
            self.csrf[role] = client.get("/api/session").json()["csrf_token"]
            self._clients[role] = client
        return self._clients[role]

    def post(self, role: str, path: str, data: dict[str, Any] | None = None) -> Any:
        """A form POST with the role's CSRF token."""
        client = self.client(role)
        return client.post(path, data={**(data or {}), "csrf_token": self.csrf[role]})


@functools.cache
def _cheap_hash() -> str:
    from claude_compliance.state.passwords import hash_password

    return hash_password(PASSWORD, n=2**10, p=1)


@pytest.fixture(scope="session")
def built(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(published, tmp_path_factory.mktemp("web") / "home")


@pytest.fixture
def web(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    for name, value in built.env.items():
        monkeypatch.setenv(name, value)
    yield Web(built, tmp_path)


def findings_rows(built: Built, sql: str = "select * from findings") -> list[dict[str, Any]]:
    with duckdb.connect(str(built.settings.published_db_path), read_only=True) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
