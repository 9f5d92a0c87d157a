"""File content: which files are text, how big is too big, what a download proves, and a
content cache so unchanged files and documents (same MD5) are never downloaded twice.

A file we do not scan is still recorded, with `skipped_reason` saying why: `binary`,
`oversize`, `decode_error`, `md5_mismatch`, `deleted` or `not_found`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from claude_compliance.api import ComplianceClient, NotFoundError
from claude_compliance.lake.fs import LakeDir, write_bytes_atomic
from claude_compliance.lake.text import utf8

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


class ContentCache:
    """Decoded text content by MD5 (hex of the served bytes), one store per key.

    Lives beside the lake (`<lake>/content/key=<key_id>/`), so a re-run, a backfill or the
    next interval that meets the same file finds it without a download.
    """

    def __init__(self, lake_dir: LakeDir, key_id: str) -> None:
        self.root = lake_dir / "content" / f"key={key_id}"

    def _path(self, md5: str) -> LakeDir:
        return self.root / md5[:2] / f"{md5}.txt"

    def get(self, md5: str | None) -> str | None:
        if not md5 or not all(c in "0123456789abcdef" for c in md5.lower()):
            return None
        path = self._path(md5.lower())
        return path.read_text(encoding="utf-8") if path.exists() else None

    def put(self, md5: str, text: str) -> None:
        # A document's text comes from JSON and may hold a lone surrogate: stored as U+FFFD.
        write_bytes_atomic(self._path(md5.lower()), utf8(text))

    def document_md5(self, document_id: str) -> str | None:
        path = self.root / "documents" / document_id
        return path.read_text().strip() if path.exists() else None

    def remember_document(self, document_id: str, md5: str) -> None:
        write_bytes_atomic(self.root / "documents" / document_id, md5.encode())


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324 - the API's content checksum


@dataclass(frozen=True, slots=True)
class Document:
    text: str | None
    md5: str | None
    user_id: str | None
    requests: int
    request_id: str | None
    downloaded: bool


def fetch_document(client: ComplianceClient, document_id: str, cache: ContentCache) -> Document:
    """A project document's text: by its metadata MD5 from the cache when seen before."""
    base = f"/v1/compliance/apps/projects/documents/{document_id}"
    requests = 0
    if cache.document_md5(document_id):
        meta = client.get_json(f"{base}/metadata")
        requests += meta.attempts
        md5 = meta.body.get("md5")
        cached = cache.get(md5)
        if cached is not None:
            user = meta.body.get("user")
            user_id = user.get("id") if isinstance(user, Mapping) else None
            return Document(cached, md5, user_id, requests, meta.request_id, downloaded=False)
    page = client.get_json(base)
    requests += page.attempts
    content = page.body.get("content")
    text = str(content) if content is not None else None
    md5 = None
    if text is not None:
        md5 = md5_hex(utf8(text))
        cache.put(md5, text)
        cache.remember_document(document_id, md5)
    user = page.body.get("user")
    user_id = user.get("id") if isinstance(user, Mapping) else None
    return Document(text, md5, user_id, requests, page.request_id, downloaded=True)


def fetch_text(
    client: ComplianceClient,
    content_path: str,
    meta: Mapping[str, Any],
    size_cap_bytes: int,
    cache: ContentCache | None = None,
) -> FileContent:
    """A file's text if it is text and within the cap (from the cache when its MD5 is
    known), otherwise None and why not."""
    md5 = meta.get("md5")
    if not is_text_like(meta.get("filename"), meta.get("mime_type")):
        return FileContent(None, "binary", md5)
    size = meta.get("size_bytes")
    if isinstance(size, int) and size > size_cap_bytes:
        return FileContent(None, "oversize", md5)
    cached = cache.get(md5) if cache is not None else None
    if cached is not None:
        return FileContent(cached, None, md5)
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
        if text is not None and cache is not None:
            cache.put(md5_hex(download.content), text)
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
