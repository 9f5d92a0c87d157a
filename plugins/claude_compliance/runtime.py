"""The one place that builds concrete stores, clients and engines from Settings.

Heavy libraries (httpx, SQLAlchemy) are imported by the functions that need them, so that
`claude-compliance scan`, which only needs an engine, starts without them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from claude_compliance.settings import Settings
from scanners import Engine, load_engine

if TYPE_CHECKING:
    import httpx
    import sqlalchemy as sa

    from claude_compliance.api import ComplianceClient, RetryPolicy
    from claude_compliance.keys.master import MasterKeySource
    from claude_compliance.keys.store import KeyStore
    from claude_compliance.lake.fs import LakeDir


def state_engine(settings: Settings) -> sa.Engine:
    """The state DB engine, migrated to the latest revision (once per URL and process)."""
    settings.ensure_dirs()
    return _engine_for(settings.state_db_url)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> sa.Engine:
    from claude_compliance.state.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    return engine


def key_store(settings: Settings) -> KeyStore:
    from claude_compliance.keys.master import fernet_of
    from claude_compliance.keys.store import KeyStore

    return KeyStore(state_engine(settings), fernet_of(master_keys(settings).keys))


def master_keys(settings: Settings) -> MasterKeySource:
    """The master keys, refusing to generate a new local one while keys are stored."""
    from claude_compliance.keys.master import master_source

    engine = state_engine(settings)
    return master_source(settings, in_use=lambda: _stored_keys(engine))


def _stored_keys(engine: sa.Engine) -> str | None:
    import sqlalchemy as sa

    from claude_compliance.keys.store import keys_table

    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(keys_table)).scalar_one()
    return f"{count} encrypted key(s) in the state DB" if count else None


def client(
    settings: Settings,
    api_key: str,
    *,
    key_id: str | None = None,
    key_label: str = "",
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> ComplianceClient:
    """A client for one key; when closed, it records its request-ids as our own traffic."""
    from claude_compliance.api import ComplianceClient
    from claude_compliance.sync.own import record_own_requests

    kwargs = {"sleep": sleep} if sleep else {}
    lake_dir = settings.lake_dir
    return ComplianceClient(
        api_key,
        settings.api_url,
        transport=transport,
        timeout_s=settings.request_timeout_s,
        retry=retry,
        key_label=key_label,
        on_close=lambda stats: record_own_requests(lake_dir, key_id, stats),
        **kwargs,
    )


def scan_engine(settings: Settings) -> Engine:
    from claude_compliance.keys.master import fingerprint_secret

    lake_dir = settings.lake_dir
    return load_engine(
        secret=fingerprint_secret(settings, in_use=lambda: _findings_in(lake_dir)),
        rules_path=settings.rules_path,
        region=settings.default_region,
    )


def _findings_in(lake_dir: LakeDir) -> str | None:
    """Whether a scan ever wrote findings (each scanned interval leaves a manifest)."""
    findings = lake_dir / "dlp" / "findings"
    if not findings.exists():
        return None
    for _manifest in findings.rglob("_manifest-*.json"):
        return f"the findings under {findings} (their fingerprints, suppressions, alerts)"
    return None
