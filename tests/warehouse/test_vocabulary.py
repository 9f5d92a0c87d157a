"""The severity and category vocabulary: one definition, the same in SQL, dbt and the yml."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import pytest
import yaml

from claude_compliance.vocabulary import (
    CATEGORIES,
    RISK_WEIGHTS,
    SEVERITIES,
    dbt_macro,
    max_severity_sql,
    severity_rank_sql,
    write_dbt_macros,
)
from scanners.model import Category, Severity

PROJECT = Path(__file__).parents[2] / "dbt_project"


def test_the_dbt_macro_is_generated_from_the_vocabulary() -> None:
    committed = PROJECT / "macros" / "severity.sql"
    assert committed.read_text(encoding="utf-8") == dbt_macro(), (
        "regenerate: python -m claude_compliance.vocabulary dbt_project"
    )


def test_the_regenerate_command_writes_every_generated_macro_as_committed(
    tmp_path: Path,
) -> None:
    written = write_dbt_macros(tmp_path)
    assert {p.name for p in written} == {"severity.sql", "dlp_sources.sql"}
    for path in written:
        committed = PROJECT / path.relative_to(tmp_path)
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")


def test_severities_are_ordered_by_rank_and_weighted_by_rank() -> None:
    assert SEVERITIES == ("CRITICAL", "HIGH", "MEDIUM", "LOW")
    ranks = [Severity(s).rank for s in SEVERITIES]
    assert ranks == sorted(ranks, reverse=True)
    weights = [RISK_WEIGHTS[s] for s in SEVERITIES]
    assert weights == sorted(weights, reverse=True) and min(weights) > 0
    assert Severity.NONE.weight == 0 and "NONE" not in RISK_WEIGHTS
    assert set(CATEGORIES) == {c.value for c in Category}


@pytest.mark.parametrize("value", [*SEVERITIES, "NONE", "bogus", None])
def test_the_rank_sql_agrees_with_the_enum(value: str | None) -> None:
    con = duckdb.connect()
    got = con.execute(f"select {severity_rank_sql('s')} from (select ?::varchar as s)", [value])
    expected = Severity(value).rank if value in (*SEVERITIES, "NONE") else 0
    assert got.fetchall() == [(expected,)]


@pytest.mark.parametrize(
    "group", [*itertools.combinations(SEVERITIES, 2), ("LOW",), ("MEDIUM", "LOW", "HIGH")]
)
def test_the_max_severity_sql_agrees_with_the_enum(group: tuple[str, ...]) -> None:
    con = duckdb.connect()
    con.execute("create table t (severity varchar)")
    con.executemany("insert into t values (?)", [[s] for s in group])
    got = con.execute(f"select {max_severity_sql()} from t").fetchall()
    assert got == [(Severity.max_of(group).value,)]


def _accepted_values(model: str, column: str) -> list[str]:
    docs = yaml.safe_load((PROJECT / "models" / "marts" / "_marts__models.yml").read_text())
    (entry,) = [m for m in docs["models"] if m["name"] == model]
    (col,) = [c for c in entry["columns"] if c["name"] == column]
    (values,) = [
        t["accepted_values"]["arguments"]["values"]
        for t in col.get("data_tests", [])
        if isinstance(t, dict) and "accepted_values" in t
    ]
    return [str(v) for v in values]


def test_the_marts_accept_exactly_the_vocabulary() -> None:
    # dbt's accepted_values cannot call a macro; this keeps the yml lists equal to the enums.
    assert _accepted_values("findings", "severity") == list(SEVERITIES)
    assert _accepted_values("findings", "category") == list(CATEGORIES)
    assert _accepted_values("scanned_inputs", "max_severity") == [*SEVERITIES, "NONE"]
