"""The environment handed to child processes (dbt, Chromium): an allowlist, never ours whole.

Our own environment holds the master key, the fingerprint and SIEM secrets, the state DB URL
with its password and Airflow's keys; a child that needs none of them gets none of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

# What any child may inherit: the interpreter and loader paths, user, locale, time zone,
# temporary folder, and the proxies and CA bundles of outgoing HTTPS.
INHERITED = frozenset(
    {
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "TEMP",
        "TMP",
        "PYTHONPATH",
        "VIRTUAL_ENV",
        "LD_LIBRARY_PATH",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    }
)
INHERITED_PREFIXES = ("LC_", "XDG_", "FONTCONFIG_")


def child_environment(
    overrides: Mapping[str, str],
    *,
    prefixes: Iterable[str] = (),
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The allowlisted part of `environ` (default: ours), plus the names starting with one of
    `prefixes` (what this child needs besides), then `overrides`."""
    env = os.environ if environ is None else environ
    allowed = INHERITED_PREFIXES + tuple(prefixes)
    child = {
        name: value for name, value in env.items() if name in INHERITED or name.startswith(allowed)
    }
    child.update(overrides)
    return child
