"""Completeness: late activity events, deletions after capture, content downloaded once,
our own API traffic tagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import read_interval
from claude_compliance.sync.extract import SyncOptions, extract_interval
from compliance_simulator import SimConfig, Simulator
from tests.sync.test_extract import DAYS, client, table

NO_WAIT = SyncOptions(activity_lag=timedelta(0))


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> float:
        return self.moment.timestamp()


def activity_ids(lake: Path, interval: Interval) -> set[str]:
    rows = read_interval(lake, "raw", "activities", "ck_t", interval, RAW["activities"])
    return {
        i
        for i, t in zip(
            rows.column("activity_id").to_pylist(), rows.column("type").to_pylist(), strict=True
        )
        if t != "compliance_api_accessed"
    }


def test_late_activity_events_are_merged_into_the_interval_that_owns_them(tmp_path: Path) -> None:
    day, next_day = DAYS[1], DAYS[0]
    config = SimConfig(seed=11, users=12, days=3, anchor=next_day.end.date())
    clean = tmp_path / "clean"
    with client(Simulator(config)) as api:
        extract_interval(api, clean, "ck_t", day, options=NO_WAIT)
    expected = activity_ids(clean, day)

    clock = Clock(day.end + timedelta(hours=1))
    lagging = Simulator(
        SimConfig(
            seed=11,
            users=12,
            days=3,
            anchor=next_day.end.date(),
            activity_visibility_lag_s=14 * 3600,
        ),
        clock=clock,
    )
    options = SyncOptions(
        activity_lag=timedelta(0),
        activity_overlap=timedelta(hours=16),
        now=lambda: datetime.fromtimestamp(clock(), tz=UTC),
    )
    lake = tmp_path / "lake"
    with client(lagging) as api:
        extract_interval(api, lake, "ck_t", day, options=options)
    first = activity_ids(lake, day)
    assert first < expected, "the last hours of the day were not yet visible"

    clock.moment = next_day.end + timedelta(hours=15)
    with client(lagging) as api:
        reports = extract_interval(api, lake, "ck_t", next_day, options=options)
    assert activity_ids(lake, day) == expected
    detail = next(r.detail for r in reports if r.table == "activities")
    assert detail and f"{len(expected - first)} late arrival" in detail
    # The overlap's events were not duplicated into the later interval.
    assert not (activity_ids(lake, next_day) & expected)


def test_the_activity_sync_waits_for_the_feed_to_catch_up(tmp_path: Path, sim: Simulator) -> None:
    waits: list[float] = []
    day = DAYS[0]
    options = SyncOptions(
        activity_lag=timedelta(seconds=90),
        now=lambda: day.end + timedelta(seconds=30),
        sleep=waits.append,
    )
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", day, options=options)
    assert waits == [60.0]


def _chat_with_user_text(sim: Simulator, interval: Interval) -> str:
    for chat in sim.data.chats:
        messages = sim.data.chat_messages(chat)
        if any(
            m.role == "user" and interval.contains(m.created_at) and m.scanned_text
            for m in messages
        ) and any(sim.data.files.get(f) is not None for m in messages for f in m.file_ids):
            return chat.id
    raise AssertionError("no chat with user text and files in the interval")


@pytest.mark.parametrize("hard", [False, True], ids=["deleted_by_user", "hard_deleted"])
def test_content_captured_before_a_deletion_is_kept_as_a_tombstone(
    tmp_path: Path, sim: Simulator, hard: bool
) -> None:
    day = next(
        d
        for d in DAYS
        if any(d.contains(m.created_at) and m.file_ids for m in sim.data.messages.values())
    )
    chat_id = _chat_with_user_text(sim, day)
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", day, options=NO_WAIT)
    before = {
        r["message_id"]: r for r in table(tmp_path, "chat_messages", day) if r["chat_id"] == chat_id
    }
    files_before = {
        r["file_id"]: r for r in table(tmp_path, "chat_files", day) if r["chat_id"] == chat_id
    }
    assert before and files_before

    sim.delete_chat(chat_id, at=DAYS[0].end + timedelta(hours=1), hard=hard)
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", day, options=NO_WAIT)
    expected = "hard_deleted" if hard else "deleted_by_user"
    chat = next(r for r in table(tmp_path, "chats", day) if r["chat_id"] == chat_id)
    assert chat["tombstone"] == expected
    after = {
        r["message_id"]: r for r in table(tmp_path, "chat_messages", day) if r["chat_id"] == chat_id
    }
    assert set(after) == set(before)
    assert all(
        after[m]["text"] == before[m]["text"] and after[m]["tombstone"] == expected for m in before
    )
    files_after = {
        r["file_id"]: r for r in table(tmp_path, "chat_files", day) if r["chat_id"] == chat_id
    }
    assert set(files_after) == set(files_before)
    assert all(
        files_after[f]["content_text"] == files_before[f]["content_text"] for f in files_before
    )


def test_a_hard_deleted_project_is_kept_with_its_attachments(
    tmp_path: Path, sim: Simulator
) -> None:
    day = DAYS[2]
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", day, options=NO_WAIT)
    attachments = table(tmp_path, "project_attachments", day)
    assert attachments
    project_id = str(attachments[0]["project_id"])
    kept = {r["attachment_id"] for r in attachments if r["project_id"] == project_id}
    sim.delete_project(project_id)
    with client(sim) as api:
        extract_interval(api, tmp_path, "ck_t", day, options=NO_WAIT)
    project = next(r for r in table(tmp_path, "projects", day) if r["project_id"] == project_id)
    assert project["tombstone"] == "hard_deleted"
    after = {
        r["attachment_id"]: r
        for r in table(tmp_path, "project_attachments", day)
        if r["project_id"] == project_id
    }
    assert set(after) == kept and all(r["tombstone"] == "hard_deleted" for r in after.values())


def content_downloads(sim: Simulator) -> int:
    return sum(
        1
        for r in sim.requests
        if r.path.endswith("/content")
        or ("/projects/documents/" in r.path and not r.path.endswith("/metadata"))
    )


def test_unchanged_content_is_not_downloaded_twice(tmp_path: Path, sim: Simulator) -> None:
    """Content read once is never downloaded again; a document whose extraction failed is
    tried again by the next syncs (the failure may be transient) until it has failed
    `FAILURE_RETRIES` times, then remembered too."""
    from claude_compliance.sync.content import ContentCache

    def sync_all() -> int:
        before = content_downloads(sim)
        with client(sim) as api:
            for day in DAYS:
                extract_interval(api, tmp_path, "ck_t", day, options=NO_WAIT)
        return content_downloads(sim) - before

    first = sync_all()
    assert first > 0
    failed = {
        r["file_id"]
        for d in DAYS
        for r in table(tmp_path, "chat_files", d)
        if r["skipped_reason"] == "extraction_failed"
    }
    assert failed, "the simulator serves documents no extractor can read"
    texts = {
        r["attachment_id"]: r["content_text"]
        for d in DAYS
        for r in table(tmp_path, "project_attachments", d)
    }
    retries = [sync_all() for _ in range(ContentCache.FAILURE_RETRIES)]
    assert retries == [len(failed)] * (ContentCache.FAILURE_RETRIES - 1) + [0]
    again = {
        r["attachment_id"]: r["content_text"]
        for d in DAYS
        for r in table(tmp_path, "project_attachments", d)
    }
    assert again == texts


def test_every_client_records_its_request_ids_as_our_own_traffic(
    tmp_path: Path, sim: Simulator
) -> None:
    import pyarrow.parquet as pq

    from claude_compliance import runtime
    from claude_compliance.settings import Settings

    settings = Settings.from_env({"CLAUDE_COMPLIANCE_HOME": str(tmp_path)})
    with runtime.client(
        settings, sim.keys.compliance, key_id="ck_t", transport=sim.transport()
    ) as api:
        extract_interval(api, settings.lake_dir, "ck_t", DAYS[0], options=NO_WAIT)
        ours = set(api.stats.request_ids)
    with runtime.client(settings, sim.keys.compliance, transport=sim.transport()) as probe:
        probe.get_json("/v1/compliance/organizations", {"limit": 1})
    recorded: dict[str, str] = {}
    for path in (settings.lake_dir / "raw" / "own_requests").rglob("*.parquet"):
        recorded.update({r["request_id"]: r["key_id"] for r in pq.read_table(path).to_pylist()})
    assert {rid for rid, key in recorded.items() if key == "ck_t"} == ours
    assert set(probe.stats.request_ids) == {
        rid for rid, key in recorded.items() if key == "_unregistered"
    }
