"""Issue 13 §11: a key typed on the command line is never echoed back, the dbt child gets
only the variables it needs, `report` is audited, a revoked key is not called valid, and
`keys list` does not show a failed sync as the last sync."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from claude_compliance import runtime
from claude_compliance.cli import main
from claude_compliance.keys import service
from claude_compliance.settings import Settings
from claude_compliance.state.audit import AuditLog
from claude_compliance.state.schema import key_syncs_table, keys_table
from claude_compliance.warehouse import builder

SECRET = "sk-ant-api01-" + "Leak9" * 16
OTHER_SECRETS = ["sk-ant-api03-" + "Zq7" * 20, "sk-ant-admin01-" + "Wp4" * 20]


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        return main(args)
    except SystemExit as exit_:
        return int(exit_.code or 0)


class TestAKeyOnTheCommandLineIsNeverEchoed:
    @pytest.mark.parametrize(
        "args",
        [
            ["keys", "add", "{key}"],
            ["keys", "add", "--name", "{key}"],
            ["keys", "add", "--name={key}"],
            ["keys", "add", "--replaces", "{key}"],
            ["keys", "validate", "{key}"],
            ["keys", "show", "{key}"],
            ["keys", "revoke", "--yes", "{key}"],
            ["keys", "{key}"],
            ["{key}"],
            ["run", "--start", "{key}", "--end", "2026-01-02"],
            ["run", "--start", "2026-01-01", "--end", "2026-01-02", "--key", "{key}"],
            ["rescan", "--start", "2026-01-01", "--end", "2026-01-02", "--key={key}"],
            ["report", "--start", "{key}", "--end", "2026-01-02"],
            ["scan", "{key}"],
            ["users", "add", "--username", "{key}", "--role", "viewer"],
            ["--debug", "keys", "add", "--api-key={key}"],
            ["keys", "add", "x{key}y"],
        ],
    )
    @pytest.mark.parametrize("key", [SECRET, *OTHER_SECRETS])
    def test_refused_without_echo(
        self,
        home: Path,
        monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str],
        args: list[str],
        key: str,
    ) -> None:
        argv = [a.replace("{key}", key) for a in args]
        assert cli(argv, monkeypatch) != 0
        out, err = capfd.readouterr()
        assert key not in out + err
        assert key[-12:] not in out + err and key[13:30] not in out + err
        assert "command line" in err


SECRETS_IN_ENV = {
    "CLAUDE_COMPLIANCE_MASTER_KEY": "master-secret-value",
    "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": "fingerprint-secret-value-xxxxxxxxxxxxxxx",
    "CLAUDE_COMPLIANCE_SIEM_TOKEN": "siem-secret-value",
    "CLAUDE_COMPLIANCE_STATE_DB": "postgresql://u:db-secret-value@h/db",
    "AIRFLOW__CORE__FERNET_KEY": "airflow-secret-value",
    "AIRFLOW_CONN_SMTP_DEFAULT": "smtps://u:smtp-secret-value@h:465",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-value",
    "SOME_TOKEN": "other-secret-value",
}


class TestChildProcessesGetOnlyWhatTheyNeed:
    def test_the_child_environment(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name, value in SECRETS_IN_ENV.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("TZ", "UTC")
        seen: dict[str, Any] = {}

        def fake_run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
            seen.update(kwargs["env"])
            return subprocess.CompletedProcess(args, 0, "", "")

        monkeypatch.setattr(builder.subprocess, "run", fake_run)
        builder.run_dbt(settings, "build")
        leaked = {k for k, v in seen.items() if "secret-value" in v}
        assert leaked == set()
        assert seen["CLAUDE_COMPLIANCE_HOME"] == str(settings.home)
        assert "PATH" in seen and seen["TZ"] == "UTC"

    def test_the_chromium_child(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from claude_compliance.reports import pdf

        for name, value in SECRETS_IN_ENV.items():
            monkeypatch.setenv(name, value)
        seen: dict[str, str] = {}

        class FakePopen:
            returncode = 0

            def __init__(self, command: list[str], **kwargs: Any) -> None:
                seen.update(kwargs["env"])
                Path(command[-2].split("=", 1)[1]).write_bytes(b"%PDF-1.7 fake")

            def communicate(self, timeout: float | None = None) -> tuple[bytes, bytes]:
                return b"", b""

        monkeypatch.setattr(pdf.subprocess, "Popen", FakePopen)
        html = tmp_path / "r.html"
        html.write_text("<p>r</p>")
        pdf.print_pdf("chromium", html, tmp_path / "r.pdf")
        assert {k for k, v in seen.items() if "secret-value" in v} == set()
        assert "PATH" in seen and seen["HOME"] != os.environ.get("HOME")

    def test_object_storage_credentials_reach_dbt_only_for_an_object_storage_lake(
        self, home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-value")
        settings = Settings.from_env()
        assert "AWS_SECRET_ACCESS_KEY" not in builder.dbt_environment(settings)
        object_lake = Settings.from_env(
            {
                "CLAUDE_COMPLIANCE_HOME": str(home),
                "CLAUDE_COMPLIANCE_LAKE_URI": f"file://{home}/objects",
            }
        )
        assert builder.dbt_environment(object_lake)["AWS_SECRET_ACCESS_KEY"] == ("aws-secret-value")

    def test_dbt_still_runs_with_it(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name, value in SECRETS_IN_ENV.items():
            if name != "CLAUDE_COMPLIANCE_STATE_DB":
                monkeypatch.setenv(name, value)
        assert builder.run_dbt(settings, "parse").command == "parse"


class TestReportIsAudited:
    def test_the_report_command_leaves_an_audit_event(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from claude_compliance.reports import report

        counts = SimpleNamespace(total=3, critical=1, high=1, medium=1, low=0)
        result = SimpleNamespace(
            period=SimpleNamespace(label="2026-11-17_2026-11-20"),
            directory=tmp_path,
            html_path=tmp_path / "r.html",
            pdf_path=None,
            csv_path=tmp_path / "r.csv",
            summary_path=tmp_path / "s.json",
            data=SimpleNamespace(headline=SimpleNamespace(findings=counts)),
        )
        monkeypatch.setattr(report, "build_report", lambda *a, **k: result)
        monkeypatch.setattr(report, "email_report", lambda *a, **k: ["ciso@example.org"])
        argv = ["report", "--start", "2026-11-17", "--end", "2026-11-20", "--no-pdf"]
        assert cli(argv, monkeypatch) == 0
        events, _ = AuditLog(runtime.state_engine(settings)).recent(action="report")
        assert len(events) == 1
        assert events[0].actor.startswith("cli")
        assert events[0].detail["emailed_to"] == ["ciso@example.org"]
        assert events[0].detail["findings"] == 3


def _add_key(settings: Settings) -> str:
    store = runtime.key_store(settings)
    return store.add(SECRET, name="k", scopes=["activities"], organizations=[], actor="t").key_id


class TestARevokedKeyIsNotCalledValid:
    def test_service_and_cli(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
    ) -> None:
        key_id = _add_key(settings)
        runtime.key_store(settings).revoke(key_id, actor="t")
        calls: list[str] = []
        monkeypatch.setattr(
            "claude_compliance.keys.service.validate_live",
            lambda api: calls.append("live") or pytest.fail("a revoked key was used"),
        )
        with pytest.raises(service.KeyStoreError, match="revoked"):
            service.validate(settings, key_id, actor="t")
        capfd.readouterr()
        assert cli(["keys", "validate", key_id], monkeypatch) == 1
        out, err = capfd.readouterr()
        assert "is valid" not in out + err and "revoked" in err
        assert calls == []
        assert runtime.key_store(settings).get(key_id).status == "revoked"


class TestKeysListSeparatesAFailedSync:
    def test_last_successful_sync_and_the_failure(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
    ) -> None:
        key_id = _add_key(settings)
        store = runtime.key_store(settings)
        store.record_sync(key_id, ok=True)
        store.record_sync(key_id, ok=False, error="401 deactivated")
        ok_at = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
        failed_at = datetime(2026, 2, 2, 7, 0, tzinfo=UTC)
        with runtime.state_engine(settings).begin() as conn:
            conn.execute(
                key_syncs_table.update()
                .where(key_syncs_table.c.status == "ok")
                .values(recorded_at=ok_at)
            )
            conn.execute(
                key_syncs_table.update()
                .where(key_syncs_table.c.status == "failed")
                .values(recorded_at=failed_at)
            )
            conn.execute(
                keys_table.update()
                .where(keys_table.c.key_id == key_id)
                .values(last_sync_at=failed_at)
            )
        capfd.readouterr()
        assert cli(["keys", "list", "--json"], monkeypatch) == 0
        (info,) = json.loads(capfd.readouterr().out)
        assert info["last_success_at"].startswith("2026-01-01T06:00")
        assert info["last_failure_at"].startswith("2026-02-02T07:00")
        assert cli(["keys", "list"], monkeypatch) == 0
        header, row = capfd.readouterr().out.splitlines()[:2]
        assert "LAST OK SYNC" in header and "FAILED SYNC" in header
        ok_col, failed_col = header.index("LAST OK SYNC"), header.index("FAILED SYNC")
        assert row[ok_col:].startswith("2026-01-01")
        assert row[failed_col:].startswith("2026-02-02")
        assert cli(["keys", "show", key_id], monkeypatch) == 0
        shown = capfd.readouterr().out
        assert "last ok sync:  2026-01-01" in shown and "last failure:  2026-02-02" in shown

    def test_a_key_that_never_synced_successfully(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
    ) -> None:
        key_id = _add_key(settings)
        runtime.key_store(settings).record_sync(key_id, ok=False, error="boom")
        capfd.readouterr()
        assert cli(["keys", "list", "--json"], monkeypatch) == 0
        (info,) = json.loads(capfd.readouterr().out)
        assert info["last_success_at"] is None and info["last_failure_at"] is not None
        with runtime.state_engine(settings).connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(key_syncs_table)).scalar()
