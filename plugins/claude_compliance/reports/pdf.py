"""HTML → PDF with headless Chromium, offline, in a throwaway profile."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from claude_compliance.childenv import child_environment
from claude_compliance.reports.errors import ReportError

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--no-pdf-header-footer",
)
TIMEOUT_S = 120.0


def print_pdf(chromium: str | None, html_path: Path, pdf_path: Path) -> Path:
    """Print `html_path` to `pdf_path`; raises ReportError with Chromium's last words."""
    if chromium is None:
        raise ReportError(
            "no Chromium found to print the PDF: install chromium (make system-deps) or set "
            "CLAUDE_COMPLIANCE_CHROMIUM"
        )
    with tempfile.TemporaryDirectory(prefix="cc-chromium-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            html_path.resolve().as_uri(),
        ]
        # A session of its own, so a hung Chromium is stopped with all its helpers.
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=child_environment({"HOME": profile}),
        )
        try:
            _, stderr = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReportError(f"Chromium did not print the PDF within {TIMEOUT_S:.0f} s") from None
    if proc.returncode != 0 or not _is_pdf(pdf_path):
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise ReportError(
            f"Chromium failed to print the PDF (exit {proc.returncode}): {' | '.join(tail)}"
        )
    return pdf_path


def _is_pdf(path: Path) -> bool:
    if not path.exists():
        return False
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"
