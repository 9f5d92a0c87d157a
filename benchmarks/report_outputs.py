"""Print what a period report, the alerts and the SIEM export cost on a simulated organization.

Builds a warehouse from the simulator (or reuses `--home` if it already holds one), then
times, for the whole window: computing and rendering the report (HTML, CSV, summary.json),
printing the PDF with headless Chromium, the alert pass (to a loopback webhook receiver)
and the SIEM export of every day (JSON lines files). Sizes of the outputs are printed too.

    python benchmarks/report_outputs.py [--users 60] [--days 7] [--home DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ANCHOR = date(2026, 11, 20)


def build(home: Path, users: int, days: int) -> str:
    from claude_compliance.keys.commands import register_key
    from claude_compliance.pipeline import run_range
    from claude_compliance.settings import Settings
    from compliance_simulator import SimConfig, Simulator, serve

    sim = Simulator(SimConfig(seed=7, users=users, days=days, anchor=ANCHOR))
    with serve(sim, host="127.0.0.1", port=0) as server:
        settings = dataclasses.replace(Settings.load(), api_url=server.url)
        key_id = str(register_key(settings, sim.keys.compliance, "bench", "bench")["key_id"])
        run_range(settings, ANCHOR - timedelta(days=days), ANCHOR, key_ids=[key_id])
    return key_id


class _Quiet(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--home", type=Path, help="reuse (or create) this CLAUDE_COMPLIANCE_HOME")
    args = parser.parse_args()
    home = (args.home or Path(tempfile.mkdtemp(prefix="cc-bench-"))).resolve()
    os.environ["CLAUDE_COMPLIANCE_HOME"] = str(home)
    os.environ.setdefault("CLAUDE_COMPLIANCE_FINGERPRINT_KEY", "bench-fingerprint-" + "x" * 20)

    from claude_compliance import runtime
    from claude_compliance.lake.interval import daily_intervals
    from claude_compliance.reports.alerts import send_alerts
    from claude_compliance.reports.config import AlertConfig, SiemConfig
    from claude_compliance.reports.report import build_report
    from claude_compliance.reports.siem import export_interval
    from claude_compliance.settings import Settings
    from scanners.model import Severity

    settings = Settings.load()
    start, end = ANCHOR - timedelta(days=args.days), ANCHOR
    began = time.perf_counter()
    if settings.published_db_path.exists():
        key_id = runtime.key_store(settings).all()[0].key_id
        print(f"warehouse: reusing {settings.published_db_path}")
    else:
        key_id = build(home, args.users, args.days)
        took = time.perf_counter() - began
        print(f"warehouse: built in {took:.1f} s ({args.users} users, {args.days} days)")

    result = build_report(settings, start, end)
    counts = result.data.headline
    print(
        f"report {result.period}: {counts.findings.total} findings, {counts.inputs_scanned} inputs"
    )
    print(f"  compute + HTML + CSV: {result.render_s:.2f} s; PDF (Chromium): {result.pdf_s:.2f} s")
    for path in (result.html_path, result.pdf_path, result.csv_path, result.summary_path):
        if path is not None:
            print(f"  {path.name:<13} {path.stat().st_size / 1024:8.1f} KiB")

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = AlertConfig(
            min_severity=Severity.CRITICAL,
            webhook_url=f"http://127.0.0.1:{server.server_address[1]}/hook",
            email_to=(),
            smtp_conn_id="smtp_default",
            dashboard_url="http://localhost:8050",
            max_age_hours=24 * (args.days + 1),
        )
        began = time.perf_counter()
        alerts = send_alerts(
            settings, config=config, now=datetime.combine(end, datetime.min.time(), tzinfo=UTC)
        )
        print(
            f"alerts: {alerts.candidates} CRITICAL findings → {alerts.sent_count} webhook posts "
            f"in {time.perf_counter() - began:.2f} s"
        )
    finally:
        server.shutdown()

    siem = SiemConfig(
        write_files=True, url=None, kind=None, token=None, index=None, dashboard_url=""
    )
    began = time.perf_counter()
    exported = [
        export_interval(settings, key_id, i, config=siem) for i in daily_intervals(start, end)
    ]
    size = sum(e.path.stat().st_size for e in exported if e.path is not None)
    print(
        f"SIEM export: {sum(e.records for e in exported)} records in {len(exported)} daily files, "
        f"{size / 1024:.1f} KiB, {time.perf_counter() - began:.2f} s"
    )
    print(f"home: {home}")


if __name__ == "__main__":
    main()
