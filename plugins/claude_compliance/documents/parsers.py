"""The parsers behind every non-text format, and archives of them, as run in the sandbox.

`parse` never raises for a bad document: what stops an extraction becomes its skip reason.
Everything here runs in the sandbox's child process (see `sandbox`), never in the scan.
"""

from __future__ import annotations

import logging
import posixpath
import pyexpat
import zipfile

from claude_compliance.documents import odf, ooxml
from claude_compliance.documents.archive import member_label, open_archive, read_member
from claude_compliance.documents.formats import ODF, OOXML, PARSED, DocumentFormat, _detect
from claude_compliance.documents.model import Extraction, Limits, SkipReason
from claude_compliance.documents.output import Budget, Refused, TextBuilder
from claude_compliance.documents.text import clean, decode

log = logging.getLogger(__name__)

XML_EXTRACTOR = f"zipfile+{pyexpat.EXPAT_VERSION}"


def _extractor(kind: DocumentFormat) -> str:
    if kind == DocumentFormat.PDF:
        from claude_compliance.documents import pdf

        return pdf.EXTRACTOR
    if kind == DocumentFormat.RTF:
        from claude_compliance.documents import rtf

        return rtf.EXTRACTOR
    if kind == DocumentFormat.ZIP:
        return "zipfile"
    return XML_EXTRACTOR


def parse(data: bytes, kind: DocumentFormat, limits: Limits) -> Extraction:
    """The text of a PDF, OOXML, ODF, RTF or ZIP document, or the reason there is none."""
    out = TextBuilder(limits.max_text_chars)
    extractors: set[str] = set()
    try:
        _parse_into(data, kind, out, Budget(limits), 1, extractors)
    except Refused as refusal:
        log.info("document not extracted: %s", refusal)
        return Extraction(None, kind.value, _extractor(kind), refusal.reason.value)
    extractor = "; ".join([_extractor(kind), *sorted(extractors - {_extractor(kind)})])
    return Extraction(clean(out.text()), kind.value, extractor, None, tuple(out.segments))


def _parse_into(
    data: bytes,
    kind: DocumentFormat,
    out: TextBuilder,
    budget: Budget,
    depth: int,
    extractors: set[str],
) -> None:
    extractors.add(_extractor(kind))
    if kind == DocumentFormat.PDF:
        from claude_compliance.documents import pdf

        pdf.extract(data, out)
    elif kind == DocumentFormat.RTF:
        from claude_compliance.documents import rtf

        rtf.extract(data, out)
    elif kind in OOXML or kind in ODF:
        with open_archive(data) as archive:
            if kind == DocumentFormat.DOCX:
                ooxml.docx(archive, out, budget)
            elif kind == DocumentFormat.XLSX:
                ooxml.xlsx(archive, out, budget)
            elif kind == DocumentFormat.PPTX:
                ooxml.pptx(archive, out, budget)
            else:
                odf.extract(archive, kind, out, budget)
            if kind in OOXML:
                ooxml.comments_and_links(archive, out, budget)
                _embedded(archive, out, budget, depth, extractors)
    elif kind == DocumentFormat.ZIP:
        with open_archive(data) as archive:
            _archive(archive, out, budget, depth, "", extractors)
    else:
        raise Refused(SkipReason.BINARY, f"no parser for {kind.value}")


def _member(
    data: bytes,
    label: str,
    out: TextBuilder,
    budget: Budget,
    depth: int,
    extractors: set[str],
    zip_prefix: str,
) -> None:
    """The text of one archive member or embedded object, located under `label`."""
    kind = _detect(data)
    if kind == DocumentFormat.TEXT:
        text, codec = decode(data)
        extractors.add(codec)
        out.add(text, label)
        out.add("\n")
        return
    if kind not in PARSED:
        return  # images and binaries hold no text to scan
    if depth >= budget.limits.max_depth:
        raise Refused(SkipReason.OVERSIZE, "documents nested beyond the depth cap")
    if kind == DocumentFormat.ZIP:
        with open_archive(data) as inner:
            _archive(inner, out, budget, depth + 1, zip_prefix, extractors)
        return
    member = TextBuilder(budget.limits.max_text_chars - out.length)
    _parse_into(data, kind, member, budget, depth + 1, extractors)
    out.add_nested(member.text(), tuple(member.segments), label)
    out.add("\n")


def _archive(
    archive: zipfile.ZipFile,
    out: TextBuilder,
    budget: Budget,
    depth: int,
    prefix: str,
    extractors: set[str],
) -> None:
    """Every text and document member, recursively. A member that is encrypted or damaged is
    passed over (the archive is `encrypted` / `extraction_failed` only when nothing else could
    be read); one that breaks a cap (size, count, depth) refuses the whole archive."""
    unreadable: list[SkipReason] = []
    start = out.length
    for info in archive.infolist():
        if info.is_dir():
            continue
        label = prefix + member_label(info.filename)
        try:
            data = read_member(archive, info, budget)
            _member(data, f"member {label}", out, budget, depth, extractors, label + "/")
        except Refused as refusal:
            if refusal.reason == SkipReason.OVERSIZE:
                raise
            unreadable.append(refusal.reason)
    if unreadable and out.length == start:
        reason = (
            SkipReason.ENCRYPTED
            if SkipReason.ENCRYPTED in unreadable
            else SkipReason.EXTRACTION_FAILED
        )
        raise Refused(reason, "no readable member")


def _embedded(
    archive: zipfile.ZipFile,
    out: TextBuilder,
    budget: Budget,
    depth: int,
    extractors: set[str],
) -> None:
    """Documents embedded in an Office file (a workbook pasted into a report lives in
    `word/embeddings/`; ODF keeps them in `Object N/` folders, not read here). One that is
    encrypted or damaged is passed over; one that breaks a cap refuses the document."""
    for info in archive.infolist():
        if info.is_dir() or "/embeddings/" not in info.filename:
            continue
        label = f"embedded {member_label(posixpath.basename(info.filename))}"
        try:
            data = read_member(archive, info, budget)
            _member(data, label, out, budget, depth, extractors, label + "/")
        except Refused as refusal:
            if refusal.reason == SkipReason.OVERSIZE:
                raise
