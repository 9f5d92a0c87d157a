"""The severity and category vocabulary as the library's SQL and dbt see it.

`scanners.model` defines it once: `Severity` (name, rank, risk weight) and `Category`. This
module renders it for the DuckDB queries of the dashboard, the reports and the CLI
(`severity_rank_sql`, `max_severity_sql`) and for dbt through the generated macro
`dbt_project/macros/severity.sql`, so a new severity or weight reaches every query without a
second list. `write_dbt_macros` writes every generated dbt macro, this one and the source
registry's (`scan.sources`); tests keep the committed files equal to their generators:

    python -m claude_compliance.vocabulary dbt_project

>>> SEVERITIES
('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')
>>> RISK_WEIGHTS["CRITICAL"], RISK_WEIGHTS["LOW"]
(10.0, 1.0)
>>> severity_rank_sql("s")
"case s when 'CRITICAL' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 when 'LOW' then 1 else 0 end"
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from claude_compliance.scan import sources
from scanners.model import FINDING_SEVERITIES, Category

__all__ = [
    "CATEGORIES",
    "GENERATED_MACROS",
    "RISK_WEIGHTS",
    "SEVERITIES",
    "dbt_macro",
    "max_severity_sql",
    "severity_rank_sql",
    "write_dbt_macros",
]

SEVERITIES: tuple[str, ...] = tuple(s.value for s in FINDING_SEVERITIES)
"""A finding's possible severities, highest first (the order of every table and legend)."""
CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
RISK_WEIGHTS: Mapping[str, float] = {s.value: s.weight for s in FINDING_SEVERITIES}
"""Points per finding of each severity in a user's risk score."""


def severity_rank_sql(column: str) -> str:
    """A SQL expression ranking `column` (0 for NONE or unknown up to 4 for CRITICAL).

    `column` is a column expression written by the caller, never request input.
    """
    return f"case {column} {' '.join(_rank_whens())} else 0 end"


def _rank_whens() -> list[str]:
    return [f"when '{s.value}' then {s.rank}" for s in FINDING_SEVERITIES]


def max_severity_sql(column: str = "severity") -> str:
    """An aggregate SQL expression: the highest severity of `column` in the group (or null)."""
    names = " ".join(f"when {s.rank} then '{s.value}'" for s in FINDING_SEVERITIES)
    return f"case max({severity_rank_sql(column)}) {names} end"


DBT_MACRO = Path("macros") / "severity.sql"


def dbt_macro() -> str:
    """The dbt macros `severity_rank(column)` and `severity_weight(severity)`."""
    weights = json.dumps(dict(RISK_WEIGHTS))
    whens = "".join(f"        {when}\n" for when in _rank_whens())
    # Laid out for sqlfluff (four-space indents, lines under 100); `-%}` strips the indents.
    return (
        "{#- Generated from claude_compliance.vocabulary: do not edit; regenerate with\n"
        "    python -m claude_compliance.vocabulary <dbt project dir> -#}\n"
        "{% macro severity_rank(column) -%}\n"
        "    case {{ column }}\n"
        f"{whens}"
        "        else 0\n"
        "    end\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro severity_weight(severity) -%}\n"
        f"    {{%- set weights = {weights} -%}}\n"
        "    {%- if severity not in weights -%}\n"
        '        {{ exceptions.raise_compiler_error("unknown severity " ~ severity) }}\n'
        "    {%- endif -%}\n"
        "    {{ weights[severity] }}\n"
        "{%- endmacro %}\n"
    )


# Every generated macro of the dbt project (path under the project: its generator).
GENERATED_MACROS: Mapping[Path, Callable[[], str]] = {
    DBT_MACRO: dbt_macro,
    sources.DBT_MACRO: sources.dbt_macro,
}


def write_dbt_macros(project_dir: Path) -> list[Path]:
    """Write every generated macro into the dbt project at `project_dir`; returns their paths."""
    written = []
    for relative, generate in GENERATED_MACROS.items():
        path = project_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generate(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    for written in write_dbt_macros(Path(sys.argv[1] if len(sys.argv) > 1 else "dbt_project")):
        print(written)
