"""compliance_report end to end with `dag.test()`: sensor, report, email, in a real Airflow."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from claude_compliance.settings import Settings
from tests.fixtures.airflow import airflow_bin, airflow_env, dag_test
from tests.reports.conftest import FINGERPRINT_SECRET, Built, leaked
from tests.reports.loopback import SmtpSink, decoded_parts

pytestmark = pytest.mark.slow


def test_daily_schedule_reports_the_run_interval_and_emails_it(
    airflow_home: Path, report_settings: Settings, built: Built
) -> None:
    with SmtpSink() as sink:
        env = {
            "CLAUDE_COMPLIANCE_HOME": os.environ["CLAUDE_COMPLIANCE_HOME"],
            "CLAUDE_COMPLIANCE_MASTER_KEY": built.master_key,
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": FINGERPRINT_SECRET,
            "CLAUDE_COMPLIANCE_REPORT_CRON": "0 0 * * *",
            "CLAUDE_COMPLIANCE_REPORT_EMAIL_TO": "dpo@example.org",
            "AIRFLOW_CONN_SMTP_DEFAULT": sink.airflow_connection(),
        }
        run, output = dag_test(airflow_home, "compliance_report", "2026-11-20T00:00:00", env)
        messages = sink.messages()
    assert run["state"] == "success", output[-4000:]
    assert run["tasks"] == {
        "wait_for_sync": "success",
        "render": "success",
        "email": "success",
    }, output[-4000:]
    assert (run["start"], run["end"]) == ("2026-11-19T00:00:00+00:00", "2026-11-20T00:00:00+00:00")

    folder = report_settings.reports_dir / "2026-11-19_2026-11-20"
    assert sorted(p.name for p in folder.iterdir()) == [
        "findings.csv",
        "report.html",
        "report.pdf",
        "summary.json",
    ]
    with duckdb.connect(str(report_settings.published_db_path), read_only=True) as con:
        day_total = con.execute(
            "select count(*) from findings where occurred_at >= '2026-11-19 00:00:00+00' "
            "and occurred_at < '2026-11-20 00:00:00+00'"
        ).fetchall()[0][0]
    summary = json.loads((folder / "summary.json").read_text())
    assert sum(summary["headline"]["findings"].values()) == day_total > 0
    (message,) = messages
    assert message["To"] == "dpo@example.org"
    assert message["Subject"].startswith("Claude Compliance report 2026-11-19 to 2026-11-19:")
    names = {name for _, name, _ in decoded_parts(message) if name}
    assert names == {"report.pdf", "findings.csv"}
    assert leaked([output, (folder / "report.html").read_text()], built) == []


def test_the_sync_wait_reschedules_and_sigterm_stops_dags_test_at_once(
    airflow_home: Path, report_settings: Settings, built: Built
) -> None:
    """A period the sync has not reached: the sensor gives its slot back and waits; SIGTERM
    to `airflow dags test` ends it then and there, not after hours of pokes."""
    env = airflow_env(
        airflow_home,
        {
            "CLAUDE_COMPLIANCE_HOME": os.environ["CLAUDE_COMPLIANCE_HOME"],
            "CLAUDE_COMPLIANCE_MASTER_KEY": built.master_key,
            "CLAUDE_COMPLIANCE_FINGERPRINT_KEY": FINGERPRINT_SECRET,
            "CLAUDE_COMPLIANCE_REPORT_CRON": "0 0 * * *",
        },
    )
    # The warehouse's ledger ends at 2026-11-20; this run reports [2026-11-24, 2026-11-25).
    proc = subprocess.Popen(
        [airflow_bin(), "dags", "test", "compliance_report", "2026-11-25"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            if "No tasks to run. unrunnable tasks" in line and "up_for_reschedule" in line:
                break
        else:
            raise AssertionError("dags test ended before the sensor waited:\n" + "".join(seen))
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError("SIGTERM did not stop `airflow dags test`") from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGTERM
    assert not (report_settings.reports_dir / "2026-11-24_2026-11-25").exists()
