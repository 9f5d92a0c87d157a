"""Reading ZIP containers within a byte budget (OOXML and ODF packages, plain archives).

Nothing is inflated beyond what the budget allows: a member's declared size is checked before
it is opened, and the stream is read in chunks that are counted as they come, so a member whose
headers lie is cut off at the budget, not after inflating it. Member names are labels only;
nothing is ever written to disk.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pyexpat import ExpatError, XMLParserType
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from claude_compliance.documents.model import SkipReason
from claude_compliance.documents.output import Budget, Refused

CHUNK = 1 << 16
# What zipfile and zlib raise on a damaged member or an unsupported compression method.
MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The archive in `data`, or `extraction_failed` when its directory cannot be read."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise Refused(SkipReason.EXTRACTION_FAILED, f"unreadable archive ({error})") from None


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> Iterator[bytes]:
    if info.flag_bits & 0x1:
        raise Refused(SkipReason.ENCRYPTED, "encrypted member")
    if info.file_size > budget.room():
        raise Refused(SkipReason.OVERSIZE, "member declares more than the budget")
    budget.member()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                budget.spend(len(chunk))
                yield chunk
    except MEMBER_ERRORS as error:
        raise Refused(SkipReason.EXTRACTION_FAILED, f"damaged member ({error})") from None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> bytes:
    """A member's bytes, counted against the budget as they inflate."""
    return b"".join(_chunks(archive, info, budget))


def xml_events(
    archive: zipfile.ZipFile, name: str, budget: Budget
) -> Iterator[tuple[str, Element]]:
    """("start" | "end", element) for an XML member, parsed as it inflates.

    The caller clears elements it is done with, so memory stays bounded by the largest
    element. Expat (2.4.1 on) refuses entity-expansion bombs; ElementTree never fetches
    external entities.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        return
    parser = XMLPullParser(events=("start", "end"))
    try:
        for chunk in _chunks(archive, info, budget):
            parser.feed(chunk)
            yield from parser.read_events()  # type: ignore[misc]
        parser.close()
        yield from parser.read_events()  # type: ignore[misc]
    except ParseError as error:
        raise Refused(SkipReason.EXTRACTION_FAILED, f"malformed XML in {name} ({error})") from None


def expat_parse(archive: zipfile.ZipFile, name: str, budget: Budget, parser: XMLParserType) -> None:
    """Feed an XML member to an expat parser whose handlers are set, as it inflates.

    The fast path for the largest parts (worksheets, shared strings): no element objects.
    A document type declaration is refused: OOXML has none, and it is where entity bombs live.
    """
    try:
        info = archive.getinfo(name)
    except KeyError:
        return

    def refuse_doctype(*_: object) -> None:
        raise Refused(SkipReason.EXTRACTION_FAILED, f"DTD in {name}")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.buffer_text = True
    try:
        for chunk in _chunks(archive, info, budget):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except ExpatError as error:
        raise Refused(SkipReason.EXTRACTION_FAILED, f"malformed XML in {name} ({error})") from None


def member_label(name: str) -> str:
    """A member name fit to show: control characters replaced (it is never a path)."""
    return "".join("\ufffd" if ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF else c for c in name)
