"""Each pagination scheme walked to the end with tiny pages: every record once, in order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_simulator import SimConfig, Simulator
from compliance_simulator.pagination import cursor_page, window_page
from compliance_simulator.query import TimeRange

from .conftest import SMALL, make_client

BASE = "/v1/compliance"


@pytest.fixture(scope="module")
def quiet() -> Simulator:
    """A simulator whose feed only changes by our own requests (which we filter out)."""
    return Simulator(SMALL)


def _ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def walk_cursor(
    client: httpx.Client, path: str, params: dict[str, Any], items_key: str = "data"
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10_000):
        page = client.get(path, params={**params, **({"after_id": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        out += body[items_key]
        if body[items_key]:
            assert body["first_id"] and body["last_id"]
        if not body["has_more"]:
            return out
        cursor = body["last_id"]
    raise AssertionError("walk did not end")


def walk_pages(client: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(10_000):
        page = client.get(path, params={**params, **({"page": token} if token else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        out += body["data"]
        if not body["has_more"]:
            assert body["next_page"] is None
            return out
        token = body["next_page"]
    raise AssertionError("walk did not end")


def test_activities_newest_first(quiet: Simulator) -> None:
    with make_client(quiet, quiet.keys.compliance) as client:
        params = {"limit": 7, "created_at.lt": SMALL.window_end.isoformat()}
        walked = walk_cursor(client, BASE + "/activities", params)
    ids = [a["id"] for a in walked]
    expected = sorted(quiet.data.activities, key=lambda a: a.sort_key, reverse=True)
    assert ids == [a.id for a in expected]


def test_activities_ascending_and_back_with_before_id(quiet: Simulator) -> None:
    params = {"limit": 9, "order": "asc", "created_at.lt": SMALL.window_end.isoformat()}
    with make_client(quiet, quiet.keys.compliance) as client:
        walked = walk_cursor(client, BASE + "/activities", params)
        assert [a["id"] for a in walked] == [a.id for a in quiet.data.activities]
        # from the last page walk back towards newer records in desc order with before_id
        oldest = client.get(
            BASE + "/activities",
            params={
                "limit": 5,
                "order": "desc",
                "created_at.lt": params["created_at.lt"],
                "after_id": walked[20]["id"],
            },
        ).json()
        back = client.get(
            BASE + "/activities",
            params={
                "limit": 5,
                "order": "desc",
                "created_at.lt": params["created_at.lt"],
                "before_id": oldest["first_id"],
            },
        ).json()
    assert [a["id"] for a in oldest["data"]] == [a["id"] for a in reversed(walked[15:20])]
    assert [a["id"] for a in back["data"]] == [a["id"] for a in reversed(walked[20:25])]
    assert back["has_more"] is True


def test_activity_window_filters(quiet: Simulator) -> None:
    day = SMALL.window_start + dt.timedelta(days=2)
    params = {
        "limit": 5000,
        "created_at.gte": day.isoformat(),
        "created_at.lt": (day + dt.timedelta(days=1)).isoformat(),
    }
    with make_client(quiet, quiet.keys.compliance) as client:
        body = client.get(BASE + "/activities", params=params).json()
    expected = [
        a.id for a in quiet.data.activities if day <= a.created_at < day + dt.timedelta(days=1)
    ]
    assert sorted(a["id"] for a in body["data"]) == sorted(expected) and expected


def test_chats_by_created_at(quiet: Simulator) -> None:
    with make_client(quiet, quiet.keys.compliance) as client:
        walked = walk_cursor(client, BASE + "/apps/chats", {"limit": 4})
    assert [c["id"] for c in walked] == [c.id for c in quiet.data.chats]
    keys = [(_ts(c["created_at"]), c["id"]) for c in walked]
    assert keys == sorted(keys)


def test_chats_by_updated_at_with_lower_bound(quiet: Simulator) -> None:
    since = SMALL.window_start + dt.timedelta(days=3)
    params = {"limit": 3, "order_by": "updated_at", "updated_at.gte": since.isoformat()}
    with make_client(quiet, quiet.keys.compliance) as client:
        walked = walk_cursor(client, BASE + "/apps/chats", params)
    expected = sorted(
        (c for c in quiet.data.chats if c.updated_at >= since), key=lambda c: (c.updated_at, c.id)
    )
    assert [c["id"] for c in walked] == [c.id for c in expected] and expected


def test_chats_of_one_user_backwards(quiet: Simulator) -> None:
    counts: dict[str, list[str]] = {}
    for chat in quiet.data.chats:
        counts.setdefault(chat.user_id, []).append(chat.id)
    user, mine = max(counts.items(), key=lambda item: len(item[1]))
    assert 3 <= len(mine) <= 20
    with make_client(quiet, quiet.keys.compliance) as client:
        walked = walk_cursor(client, BASE + "/apps/chats", {"limit": 1, "user_ids[]": user})
        assert [c["id"] for c in walked] == mine
        everything = client.get(BASE + "/apps/chats", params={"user_ids[]": user, "limit": 100})
        last_cursor = everything.json()["last_id"]
        before = client.get(
            BASE + "/apps/chats", params={"user_ids[]": user, "limit": 2, "before_id": last_cursor}
        )
    body = before.json()
    assert [c["id"] for c in body["data"]] == mine[-3:-1]
    assert body["has_more"] is (len(mine) > 3)


def test_chat_messages_in_both_orders(quiet: Simulator) -> None:
    chat = max(quiet.data.chats, key=lambda c: len(c.message_ids))
    path = f"{BASE}/apps/chats/{chat.id}/messages"
    with make_client(quiet, quiet.keys.compliance) as client:
        ascending = walk_cursor(client, path, {"limit": 1}, "chat_messages")
        descending = walk_cursor(client, path, {"limit": 2, "order": "desc"}, "chat_messages")
        whole = client.get(path).json()
    assert [m["id"] for m in ascending] == list(chat.message_ids)
    assert [m["id"] for m in descending] == list(reversed(chat.message_ids))
    assert [m["id"] for m in whole["chat_messages"]] == list(chat.message_ids)
    assert whole["has_more"] is False


def test_page_token_listings(quiet: Simulator) -> None:
    org = quiet.data.orgs[0].uuid
    with make_client(quiet, quiet.keys.compliance) as client:
        orgs = walk_pages(client, BASE + "/organizations", {"limit": 1})
        users = walk_pages(client, f"{BASE}/organizations/{org}/users", {"limit": 2})
        projects = walk_pages(client, BASE + "/apps/projects", {"limit": 1})
        project = max(
            quiet.data.projects,
            key=lambda p: (
                len(quiet.data.project_documents(p.id)) + len(quiet.data.project_files(p.id))
            ),
        )
        attachments = walk_pages(
            client, f"{BASE}/apps/projects/{project.id}/attachments", {"limit": 1}
        )
    assert [o["uuid"] for o in orgs] == [o.uuid for o in quiet.data.orgs]
    assert [u["id"] for u in users] == [
        u.id for u in quiet.data.users if u.organization_uuid == org
    ]
    assert [p["id"] for p in projects] == [p.id for p in quiet.data.projects]
    expected = sorted(
        [*quiet.data.project_documents(project.id), *quiet.data.project_files(project.id)],
        key=lambda r: (r.created_at, r.id),
    )
    assert [a["id"] for a in attachments] == [r.id for r in expected] and len(expected) > 1


def test_large_configuration_pages_through_everything() -> None:
    sim = Simulator(SimConfig(seed=3, users=30, days=5, anchor=SMALL.anchor))
    with make_client(sim, sim.keys.compliance) as client:
        walked = walk_cursor(
            client, BASE + "/apps/chats", {"limit": 1000, "order_by": "updated_at"}
        )
    assert len(walked) == len(sim.data.chats) == len({c["id"] for c in walked})


# --- the bisecting page equals the plain one ------------------------------------------------

BASE_TIME = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
minutes = st.integers(min_value=0, max_value=40)
bound = st.one_of(st.none(), minutes.map(lambda m: BASE_TIME + dt.timedelta(minutes=m)))


@settings(max_examples=300, deadline=None)
@given(
    stamps=st.lists(minutes, max_size=60),
    window=st.builds(TimeRange, gte=bound, gt=bound, lte=bound, lt=bound),
    descending=st.booleans(),
    after_at=st.one_of(st.none(), st.tuples(minutes, st.integers(0, 70))),
    limit=st.one_of(st.none(), st.integers(1, 7)),
    dropped=st.sets(st.integers(0, 70)),
)
def test_window_page_returns_what_cursor_page_returns_over_the_filtered_listing(
    stamps: list[int],
    window: TimeRange,
    descending: bool,
    after_at: tuple[int, int] | None,
    limit: int | None,
    dropped: set[int],
) -> None:
    # Records share timestamps (ties broken by id), as the simulator's often do.
    records = sorted(
        ((BASE_TIME + dt.timedelta(minutes=m), f"r{i:02d}") for i, m in enumerate(stamps)),
    )
    after = (
        None
        if after_at is None
        else (BASE_TIME + dt.timedelta(minutes=after_at[0]), f"r{after_at[1]:02d}")
    )

    def keep(record: tuple[dt.datetime, str]) -> bool:
        return window.contains(record[0]) and int(record[1][1:]) not in dropped

    expected = cursor_page(
        [r for r in records if keep(r)],
        lambda r: r,
        descending=descending,
        after=after,
        limit=limit,
    )
    got = window_page(
        records,
        lambda r: r,
        keep,
        window=window,
        descending=descending,
        after=after,
        limit=limit,
    )
    assert got == expected


def test_a_page_deep_in_a_large_feed_tests_only_the_records_it_returns() -> None:
    records = [(BASE_TIME + dt.timedelta(seconds=s), f"r{s:07d}") for s in range(200_000)]
    tested: list[tuple[dt.datetime, str]] = []

    def keep(record: tuple[dt.datetime, str]) -> bool:
        tested.append(record)
        return True

    window = TimeRange(gte=records[150_000][0], lt=records[160_000][0])
    page = window_page(
        records, lambda r: r, keep, window=window, descending=False, after=records[155_000], limit=5
    )
    assert page.items == records[155_001:155_006] and page.has_more
    assert tested == records[155_001:155_007]
