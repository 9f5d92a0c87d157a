"""Every environment variable the code reads is documented in `.env.example`, once."""

from __future__ import annotations

import doctest
from collections import Counter

import pytest
import yaml

from deploy import compose as compose_module
from deploy.compose import COMPOSE_FILE, ENV_EXAMPLE, REPO, env_file_names, variables_in
from tests.deploy import env_reads
from tests.deploy.env_reads import all_reads, reads_in_python

# Read by the code but not the operator's to set: Airflow sets these for its own processes.
NOT_CONFIGURATION = frozenset({"AIRFLOW_HOME"})


def test_every_variable_the_code_reads_is_in_env_example() -> None:
    documented = set(env_file_names(ENV_EXAMPLE))
    reads = all_reads()
    assert "CLAUDE_COMPLIANCE_HOME" in reads and "CLAUDE_COMPLIANCE_SYNC_CRON" in reads
    missing = {
        name: files
        for name, files in sorted(reads.items())
        if name not in documented and name not in NOT_CONFIGURATION
    }
    assert missing == {}, "add these to .env.example, with a comment: " + ", ".join(missing)


def test_env_example_names_each_variable_once() -> None:
    duplicates = [name for name, n in Counter(env_file_names(ENV_EXAMPLE)).items() if n > 1]
    assert duplicates == []


def test_env_example_documents_only_variables_something_reads() -> None:
    """No stale entries: each is read by the code, dbt, the compose file or a deploy script."""
    used = set(all_reads()) | variables_in(yaml.safe_load(COMPOSE_FILE.read_text()))
    for script in (REPO / "deploy").rglob("*.sh"):
        used |= compose_module.referenced_variables(script.read_text())
    stale = [name for name in env_file_names(ENV_EXAMPLE) if name not in used]
    assert stale == []


def test_every_documented_variable_has_a_comment() -> None:
    lines = ENV_EXAMPLE.read_text().splitlines()
    undocumented = []
    for index, line in enumerate(lines):
        if line and not line.startswith("#") and "=" in line:
            block = lines[max(0, index - 12) : index]
            comments = [b for b in block if b.startswith("#")]
            if not comments:
                undocumented.append(line.split("=", 1)[0])
    assert undocumented == []


def test_the_scanner_finds_reads_and_ignores_writes_and_wsgi_keys() -> None:
    code = (
        "import os\n"
        "A = os.environ.get('PLAIN_GET')\n"
        "B = os.environ['SUBSCRIPT']\n"
        "C = os.getenv('GETENV', 'x')\n"
        "NAME = 'CLAUDE_COMPLIANCE_IN_A_CONSTANT'\n"
        "def f(env, environ):\n"
        "    env['WRITTEN_ONLY'] = '1'\n"
        "    return env.get('HELPER_MAPPING'), environ.get('PATH_INFO')\n"
    )
    assert reads_in_python(code) == {
        "PLAIN_GET",
        "SUBSCRIPT",
        "GETENV",
        "CLAUDE_COMPLIANCE_IN_A_CONSTANT",
        "HELPER_MAPPING",
    }


def test_doctests_of_the_deploy_helpers() -> None:
    for module in (compose_module, env_reads):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_default_region_is_read_and_validated() -> None:
    from claude_compliance.settings import Settings, SettingsError

    assert Settings.from_env({}).default_region == "US"
    assert Settings.from_env({"CLAUDE_COMPLIANCE_DEFAULT_REGION": "gb"}).default_region == "GB"
    with pytest.raises(SettingsError, match="CLAUDE_COMPLIANCE_DEFAULT_REGION"):
        Settings.from_env({"CLAUDE_COMPLIANCE_DEFAULT_REGION": "United Kingdom"})
