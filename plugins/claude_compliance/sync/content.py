"""File content: what a download proves, how big is too big, the text of the bytes (judged by
their content, never by the name or MIME type), and a content cache so unchanged files and
documents (same MD5) are never downloaded or extracted twice.

Every file within the size cap is downloaded: the API stores Word, PowerPoint and some PDFs
as extracted text under the original name and MIME type (spec §5.3), and a text file may be
typed `application/octet-stream` or have no extension at all. `claude_compliance.documents`
decides what the bytes are and extracts their text. A file we do not scan is still recorded,
with `skipped_reason` saying why: `image`, `encrypted`, `extraction_failed`, `binary`,
`oversize`, `decode_error`, `md5_mismatch`, `deleted` or `not_found`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from claude_compliance.api import ComplianceClient, NotFoundError
from claude_compliance.documents import Extraction, Segment, SkipReason, extract
from claude_compliance.lake.fs import LakeDir, write_bytes_atomic
from claude_compliance.lake.text import utf8

TEXT_FORMAT = "text"


@dataclass(frozen=True, slots=True)
class FileContent:
    text: str | None
    skipped_reason: str | None
    md5: str | None
    requests: int = 0
    request_id: str | None = None
    detected_format: str | None = None
    extractor: str | None = None
    segments: tuple[Segment, ...] = ()

    @classmethod
    def of(
        cls,
        extraction: Extraction,
        md5: str | None,
        requests: int = 0,
        request_id: str | None = None,
    ) -> FileContent:
        return cls(
            extraction.text,
            extraction.skipped_reason,
            md5,
            requests,
            request_id,
            extraction.detected_format,
            extraction.extractor,
            extraction.segments,
        )

    def columns(self) -> dict[str, Any]:
        """The lake row's content columns (`chat_files`, `project_attachments`)."""
        return {
            "content_text": self.text,
            "skipped_reason": self.skipped_reason,
            "detected_format": self.detected_format,
            "extractor": self.extractor,
            "content_segments": [{"start": s.start, "location": s.location} for s in self.segments]
            or None,
        }


class ContentCache:
    """What the bytes with a given MD5 (hex of the served bytes) turned out to be: their text,
    format, extractor and segments, one store per key.

    Lives beside the lake (`<lake>/content/key=<key_id>/`), so a re-run, a backfill or the
    next interval that meets the same file finds it without a download. A failed extraction
    may be transient (a time limit on a loaded machine), so it is tried again on the next
    syncs and remembered only once it has failed `FAILURE_RETRIES` times.
    """

    FAILURE_RETRIES = 3

    def __init__(self, lake_dir: LakeDir, key_id: str) -> None:
        self.root = lake_dir / "content" / f"key={key_id}"

    def _path(self, md5: str) -> LakeDir:
        return self.root / md5[:2] / f"{md5}.json"

    def _entry(self, md5: str | None) -> dict[str, Any] | None:
        if not md5 or not all(c in "0123456789abcdef" for c in md5.lower()):
            return None
        path = self._path(md5.lower())
        if not path.exists():
            return None
        entry: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return entry

    def get(self, md5: str | None) -> Extraction | None:
        entry = self._entry(md5)
        if entry is None:
            return None
        failed = entry.get("skipped_reason") == SkipReason.EXTRACTION_FAILED
        if failed and entry.get("failures", 0) < self.FAILURE_RETRIES:
            return None
        return Extraction(
            text=entry["text"],
            detected_format=entry["detected_format"],
            extractor=entry.get("extractor"),
            skipped_reason=entry.get("skipped_reason"),
            segments=tuple(Segment(int(s), str(loc)) for s, loc in entry.get("segments", [])),
        )

    def put(self, md5: str, extraction: Extraction) -> None:
        entry: dict[str, Any] = {
            "text": extraction.text,
            "detected_format": extraction.detected_format,
            "extractor": extraction.extractor,
            "skipped_reason": extraction.skipped_reason,
            "segments": [[s.start, s.location] for s in extraction.segments],
        }
        if extraction.skipped_reason == SkipReason.EXTRACTION_FAILED:
            earlier = self._entry(md5) or {}
            entry["failures"] = int(earlier.get("failures", 0)) + 1
        # Text from JSON may hold a lone surrogate: stored as U+FFFD.
        write_bytes_atomic(self._path(md5.lower()), utf8(json.dumps(entry, ensure_ascii=False)))

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
            return Document(cached.text, md5, user_id, requests, meta.request_id, downloaded=False)
    page = client.get_json(base)
    requests += page.attempts
    content = page.body.get("content")
    text = str(content) if content is not None else None
    md5 = None
    if text is not None:
        md5 = md5_hex(utf8(text))
        cache.put(md5, Extraction(text, TEXT_FORMAT, "api-text"))
        cache.remember_document(document_id, md5)
    user = page.body.get("user")
    user_id = user.get("id") if isinstance(user, Mapping) else None
    return Document(text, md5, user_id, requests, page.request_id, downloaded=True)


def fetch_file(
    client: ComplianceClient,
    content_path: str,
    meta: Mapping[str, Any],
    size_cap_bytes: int,
    cache: ContentCache | None = None,
) -> FileContent:
    """A file's text, judged and extracted from its bytes (from the cache when its MD5 is
    known), or None and why not."""
    md5 = meta.get("md5")
    size = meta.get("size_bytes")
    if isinstance(size, int) and size > size_cap_bytes:
        return FileContent(None, SkipReason.OVERSIZE, md5)
    cached = cache.get(md5) if cache is not None else None
    if cached is not None:
        return FileContent.of(cached, md5)
    try:
        download = client.download(content_path)
    except NotFoundError:
        return FileContent(None, "not_found", md5, requests=1)
    if len(download.content) > size_cap_bytes:
        return FileContent(None, SkipReason.OVERSIZE, md5, download.attempts, download.request_id)
    if download.md5_matches is False:
        return FileContent(None, "md5_mismatch", md5, download.attempts, download.request_id)
    extraction = extract(download.content)
    if cache is not None:
        cache.put(md5_hex(download.content), extraction)
    return FileContent.of(extraction, md5, download.attempts, download.request_id)
