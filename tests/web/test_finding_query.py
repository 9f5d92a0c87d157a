"""The findings filter as FastAPI parses it from a URL, and the whitelists applied after."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from starlette.datastructures import QueryParams

from claude_compliance.web.findings import FindingFilter, FindingQuery

TODAY = date(2026, 11, 20)


def _client() -> TestClient:
    app = FastAPI()

    @app.get("/f")
    def parsed(query: Annotated[FindingQuery, Query()]) -> dict[str, Any]:
        f = FindingFilter.from_query(query, today=TODAY)
        return {"params": f.params(), "problems": list(f.problems)}

    return TestClient(app)


URLS = [
    "",
    "severity=HIGH&severity=CRITICAL&severity=HIGH",
    "severity=&severity=LOW&source=chat_message&source=nope",
    "range=7d&sort=severity&order=asc&per_page=25&page=3",
    "range=forever&start=2026-11-01&end=2026-13-01",
    "user=%20alice%40example.com%20&q=&category=ssn&category=national_id",
    "status=any&suppressed=only&key=ck_1&fingerprint=ab12",
    "status=open&suppressed=sometimes&sort=rowid;drop&per_page=7",
    "q=" + "x" * 201 + "&detector=" + "d" * 101,
    "page=0&unknown=1",
]


@pytest.mark.parametrize("url", URLS)
def test_fastapi_parses_the_url_as_the_mapping_parser_does(url: str) -> None:
    served = _client().get(f"/f?{url}").json()
    direct = FindingFilter.from_params(QueryParams(url), today=TODAY)
    assert served == {
        "params": [list(p) for p in direct.params()],
        "problems": list(direct.problems),
    }


def test_whitelists_drop_unknown_values_and_say_so() -> None:
    served = _client().get("/f?severity=HIGH&severity=EXTREME&sort=rowid&suppressed=x").json()
    assert served["params"] == [["severity", "HIGH"]]
    assert "ignored unknown severity 'EXTREME'" in served["problems"]
    assert "ignored unknown sort 'rowid'" in served["problems"]
    assert "ignored unknown suppressed mode 'x'" in served["problems"]


def test_blank_and_padded_values() -> None:
    f = FindingFilter.from_params(QueryParams("q=%20%20&user=%20bob%20&severity=%20LOW%20"))
    assert f.text is None and f.user == "bob" and f.severities == ("LOW",)


def test_range_sets_the_days_when_no_dates_are_given() -> None:
    f = FindingFilter.from_params(QueryParams("range=7d"), today=TODAY)
    assert (f.start, f.end) == (date(2026, 11, 14), TODAY)
    kept = FindingFilter.from_params(QueryParams("range=7d&start=2026-01-01"), today=TODAY)
    assert (kept.start, kept.end) == (date(2026, 1, 1), None)


def test_too_long_text_is_dropped_with_a_message() -> None:
    f = FindingFilter.from_params(QueryParams("q=" + "x" * 201))
    assert f.text is None and f.problems == ("q is too long (at most 200 characters)",)


@pytest.mark.parametrize("page", ["abc", "1.5", "2e3"])
def test_a_page_that_is_not_a_number_is_a_422(page: str) -> None:
    assert _client().get(f"/f?page={page}").status_code == 422


def test_page_and_per_page_are_clamped_to_what_the_page_offers() -> None:
    f = FindingFilter.from_params(QueryParams("page=-4&per_page=1000"))
    assert (f.page, f.per_page) == (1, 50)
    assert FindingFilter.from_params(QueryParams("page=99999999")).page == 1_000_000
