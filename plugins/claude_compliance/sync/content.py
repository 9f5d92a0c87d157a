"""File content: which files are text, how big is too big, and what a download proves.

A file we do not scan is still recorded, with `skipped_reason` saying why: `binary`,
`oversize`, `decode_error`, `md5_mismatch`, `deleted` or `not_found`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from claude_compliance.api import ComplianceClient, NotFoundError

TEXT_MIME_TYPES = frozenset(
    {
        "application/json",
        "application/xml",
        "application/x-yaml",
        "application/yaml",
        "application/javascript",
        "application/x-javascript",
        "application/sql",
        "application/x-sh",
        "application/x-shellscript",
        "application/toml",
        "application/x-ndjson",
        "application/csv",
        "application/x-httpd-php",
        "application/x-python",
    }
)
TEXT_SUFFIXES = frozenset(
    {
        ".txt", ".md", ".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".toml",
        ".ini", ".cfg", ".conf", ".env", ".properties", ".xml", ".html", ".htm", ".log", ".sql",
        ".py", ".js", ".ts", ".tsx", ".jsx", ".java", ".go", ".rs", ".rb", ".php", ".sh",
        ".bash", ".zsh", ".ps1", ".c", ".h", ".cpp", ".hpp", ".cs", ".kt", ".swift", ".scala",
        ".r", ".tf", ".hcl", ".pem", ".key", ".har", ".netrc", ".pgpass",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileContent:
    text: str | None
    skipped_reason: str | None
    md5: str | None
    requests: int = 0
    request_id: str | None = None


def is_text_like(filename: str | None, mime_type: str | None) -> bool:
    mime = (mime_type or "").split(";")[0].strip().lower()
    if mime.startswith("text/") or mime in TEXT_MIME_TYPES or mime.endswith(("+json", "+xml")):
        return True
    suffix = PurePosixPath(filename or "").suffix.lower()
    return suffix in TEXT_SUFFIXES


def fetch_text(
    client: ComplianceClient,
    content_path: str,
    meta: Mapping[str, Any],
    size_cap_bytes: int,
) -> FileContent:
    """Download a file's content if it is text and within the cap; otherwise say why not."""
    md5 = meta.get("md5")
    if not is_text_like(meta.get("filename"), meta.get("mime_type")):
        return FileContent(None, "binary", md5)
    size = meta.get("size_bytes")
    if isinstance(size, int) and size > size_cap_bytes:
        return FileContent(None, "oversize", md5)
    try:
        download = client.download(content_path)
    except NotFoundError:
        return FileContent(None, "not_found", md5, requests=1)
    text: str | None
    reason: str | None
    if len(download.content) > size_cap_bytes:
        text, reason = None, "oversize"
    elif download.md5_matches is False:
        text, reason = None, "md5_mismatch"
    else:
        text, reason = decode_text(download.content)
    return FileContent(text, reason, md5, download.attempts, download.request_id)


def decode_text(content: bytes) -> tuple[str | None, str | None]:
    """The text of a file's bytes, or None and why it is not text."""
    if b"\x00" in content[:8192]:
        return None, "binary"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None, "decode_error"
    return text.removeprefix("\ufeff"), None
