"""SIEM export from simulator data: JSON lines per interval, Splunk HEC and Elasticsearch
`_bulk` collectors on loopback, idempotent re-exports, nothing unmasked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import duckdb
import pytest

from claude_compliance.lake.interval import Interval
from claude_compliance.reports.config import SiemConfig, SiemKind
from claude_compliance.reports.errors import DeliveryError
from claude_compliance.reports.siem import SCHEMA, export_interval, export_path
from claude_compliance.reports.webhook import RetryPolicy
from claude_compliance.settings import Settings, SettingsError
from tests.reports.conftest import DAYS, WINDOW_START, Built, leaked
from tests.reports.loopback import HttpSink, Received

pytestmark = pytest.mark.slow


def days() -> Iterator[Interval]:
    for offset in range(DAYS):
        start = WINDOW_START + timedelta(days=offset)
        yield Interval(start, start + timedelta(days=1))


def config(
    *, url: str | None = None, kind: SiemKind | None = None, files: bool = True
) -> SiemConfig:
    return SiemConfig(
        write_files=files,
        url=url,
        kind=kind,
        token="hec-token-123" if url else None,
        index="claude-findings" if url else None,
        dashboard_url="https://compliance.example.org",
    )


def finding_ids(settings: Settings, interval: Interval, key_id: str) -> list[str]:
    with duckdb.connect(str(settings.published_db_path), read_only=True) as con:
        rows = con.execute(
            "select finding_id from findings where key_id = ? and occurred_at >= ? "
            "and occurred_at < ? order by 1",
            [key_id, interval.start, interval.end],
        ).fetchall()
    return [fid for (fid,) in rows]


def test_one_jsonl_file_per_interval_stable_and_masked(
    report_settings: Settings, built: Built
) -> None:
    exported: list[str] = []
    texts: list[str] = []
    for interval in days():
        result = export_interval(report_settings, built.key_id, interval, config=config())
        assert result.path == export_path(report_settings, built.key_id, interval)
        assert result.path.parent.name == f"dt={interval.dt}"
        lines = result.path.read_text().splitlines()
        records = [json.loads(line) for line in lines]
        assert sorted(r["finding_id"] for r in records) == finding_ids(
            report_settings, interval, built.key_id
        )
        assert result.records == len(records) and (result.posted, result.unchanged) == (0, 0)
        for record in records:
            assert record["schema"] == SCHEMA and record["key_id"] == built.key_id
            assert interval.start.isoformat() <= record["@timestamp"] < interval.end.isoformat()
            assert record["triage_status"] == "open" and record["is_suppressed"] is False
            assert "…" in record["redacted_match"] or "•" in record["redacted_match"]
        exported += [r["finding_id"] for r in records]
        texts.append(result.path.read_text())

        # Re-exporting the interval replaces its file with the same bytes.
        before = result.path.read_bytes()
        export_interval(report_settings, built.key_id, interval, config=config())
        assert result.path.read_bytes() == before
        assert [p.name for p in result.path.parent.iterdir()] == [result.path.name]

    with duckdb.connect(str(report_settings.published_db_path), read_only=True) as con:
        every = sorted(fid for (fid,) in con.execute("select finding_id from findings").fetchall())
    assert sorted(exported) == every  # each finding in exactly one interval's file
    assert leaked(texts, built) == []


def test_splunk_hec_gets_each_record_once_across_reexports(
    report_settings: Settings, built: Built
) -> None:
    interval = next(days())
    expected = finding_ids(report_settings, interval, built.key_id)
    assert len(expected) > 3
    with HttpSink(lambda _r, _i: (200, b'{"text":"Success","code":0}')) as sink:
        hec = config(url=f"{sink.url}/services/collector/event", kind=SiemKind.SPLUNK_HEC)
        first = export_interval(report_settings, built.key_id, interval, config=hec)
        again = export_interval(report_settings, built.key_id, interval, config=hec)
        forced = export_interval(report_settings, built.key_id, interval, config=hec, force=True)
        received = list(sink.received)
    assert (first.posted, first.unchanged) == (len(expected), 0)
    assert (again.posted, again.unchanged) == (0, len(expected))
    assert forced.posted == len(expected)
    assert len(received) == 2  # the re-export sent nothing
    envelopes = received[0].json_lines()
    assert received[0].path == "/services/collector/event"
    assert received[0].headers["authorization"] == "Splunk hec-token-123"
    assert sorted(e["event"]["finding_id"] for e in envelopes) == expected
    assert {(e["source"], e["sourcetype"], e["index"]) for e in envelopes} == {
        ("claude-compliance", "claude_compliance:finding", "claude-findings")
    }
    assert all(abs(e["time"] - interval.start.timestamp()) < 86400 for e in envelopes)
    assert received[1].json_lines() == envelopes
    assert first.path is not None and first.path.read_text().count("\n") == len(expected)
    assert leaked([r.body.decode() for r in received], built) == []


def test_elasticsearch_bulk_indexes_under_the_finding_id(
    report_settings: Settings, built: Built
) -> None:
    from claude_compliance import runtime
    from claude_compliance.state.triage import FindingRef, TriageStatus, TriageStore

    interval = list(days())[1]
    expected = finding_ids(report_settings, interval, built.key_id)

    def bulk(request: Received, _index: int) -> tuple[int, bytes]:
        lines = request.json_lines()
        items = [{"index": {"_id": a["index"]["_id"], "status": 201}} for a in lines[::2]]
        return 200, json.dumps({"errors": False, "items": items}).encode()

    with HttpSink(bulk) as sink:
        es = config(url=f"{sink.url}/_bulk", kind=SiemKind.ELASTIC, files=False)
        first = export_interval(report_settings, built.key_id, interval, config=es)
        # A triage decision changes one record: only that one is sent again.
        TriageStore(runtime.state_engine(report_settings)).set_status(
            [FindingRef(expected[0])], TriageStatus.ACKNOWLEDGED, actor="analyst"
        )
        second = export_interval(report_settings, built.key_id, interval, config=es)
        received = list(sink.received)
    assert first.path is None and first.posted == len(expected)
    assert (second.posted, second.unchanged) == (1, len(expected) - 1)
    lines = received[0].json_lines()
    actions, documents = lines[::2], lines[1::2]
    assert received[0].headers["content-type"] == "application/x-ndjson"
    assert received[0].headers["authorization"] == "ApiKey hec-token-123"
    assert [a["index"]["_id"] for a in actions] == [d["finding_id"] for d in documents]
    assert sorted(a["index"]["_id"] for a in actions) == expected
    assert {a["index"]["_index"] for a in actions} == {"claude-findings"}
    (changed,) = received[1].json_lines()[1::2]
    assert (changed["finding_id"], changed["triage_status"]) == (expected[0], "acknowledged")


def test_collector_errors_raise_and_are_retried_by_the_next_export(
    report_settings: Settings, built: Built
) -> None:
    interval = next(days())
    expected = finding_ids(report_settings, interval, built.key_id)

    def rejecting(_request: Received, index: int) -> tuple[int, bytes]:
        if index == 0:
            body = {"errors": True, "items": [{"index": {"error": {"reason": "mapping clash"}}}]}
            return 200, json.dumps(body).encode()
        return 200, b'{"errors": false, "items": []}'

    with HttpSink(rejecting) as sink:
        es = config(url=f"{sink.url}/_bulk", kind=SiemKind.ELASTIC, files=False)
        with pytest.raises(DeliveryError, match="mapping clash"):
            export_interval(report_settings, built.key_id, interval, config=es)
        retried = export_interval(report_settings, built.key_id, interval, config=es)
    assert retried.posted == len(expected)  # nothing was recorded as exported by the failure

    with HttpSink(lambda _r, _i: (403, b"invalid token")) as sink:
        hec = config(url=f"{sink.url}/services/collector/event", kind=SiemKind.SPLUNK_HEC)
        with pytest.raises(DeliveryError, match="HTTP 403") as refused:
            export_interval(
                report_settings,
                built.key_id,
                interval,
                config=hec,
                retry=RetryPolicy(max_attempts=3, backoff_s=0),
            )
        assert len(sink.received) == 1  # a 403 is not retried
    assert "hec-token-123" not in str(refused.value)


def test_siem_configuration_is_validated() -> None:
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_SIEM_KIND"):
        SiemConfig.from_env({"CLAUDE_COMPLIANCE_SIEM_URL": "https://siem.example.org/_bulk"})
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_SIEM_KIND"):
        SiemConfig.from_env({"CLAUDE_COMPLIANCE_SIEM_KIND": "syslog"})
    elastic = SiemConfig.from_env(
        {
            "CLAUDE_COMPLIANCE_SIEM_URL": "https://siem.example.org/_bulk",
            "CLAUDE_COMPLIANCE_SIEM_KIND": "elastic",
            "CLAUDE_COMPLIANCE_SIEM_TOKEN": "tok-secret",
        }
    )
    assert elastic.index == "claude-compliance-findings" and elastic.write_files
    assert "tok-secret" not in repr(elastic)
    assert SiemConfig.from_env({"CLAUDE_COMPLIANCE_SIEM_FILES": "false"}).write_files is False
