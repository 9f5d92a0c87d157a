"""Reports, alerts and the SIEM export: readers of the published warehouse and the state DB.

Entry points (import them from their modules; this package stays light for the CLI):

- `report.build_report(settings, start, end, config=…)` → `reports/<start>_<end>/` (HTML,
  PDF, CSV, summary.json); `report.email_report(settings, period, config)` mails it when
  recipients are configured;
- `alerts.send_alerts(settings, config=…)` after each publish: new findings at or above the
  alert severity, once per fingerprint and channel (Slack-compatible webhook, email);
- `siem.export_interval(settings, key_id, interval, config=…)` after each scan: JSON lines to
  a file and/or a Splunk HEC or Elasticsearch `_bulk` endpoint.

Their configurations (`config.ReportConfig`, `AlertConfig`, `SiemConfig`) are loaded from the
environment by the caller, a CLI command or a DAG task, and passed in.

Nothing here writes the warehouse, and no output carries a matched value: only masked
previews and fingerprints.
"""
