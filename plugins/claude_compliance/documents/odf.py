"""Text of OpenDocument files (ODT, ODS, ODP) from `content.xml`.

Paragraphs and headings with their spans, spaces (`text:s`), tabs and line breaks; ODS cells
located as "sheet Name!B7" (repeated rows and columns counted); ODP pages as "slide N" and
their notes as "slide N notes"; then page headers and footers from `styles.xml`. A package
whose manifest lists encryption data is encrypted.
"""

from __future__ import annotations

import zipfile
from xml.etree.ElementTree import Element

from claude_compliance.documents.archive import read_member, xml_events
from claude_compliance.documents.formats import DocumentFormat
from claude_compliance.documents.model import SkipReason
from claude_compliance.documents.ooxml import _column_name
from claude_compliance.documents.output import Budget, Refused, TextBuilder

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
_BLOCKS = frozenset({TEXT + "p", TEXT + "h"})
_MAX_REPEAT = 1 << 20  # a repeat count is a number in the file: never trust it as a loop bound


def _flatten(element: Element, parts: list[str]) -> None:
    tag = element.tag
    if tag == TEXT + "s":
        parts.append(" " * min(int(element.get(TEXT + "c", "1") or 1), 1024))
    elif tag == TEXT + "tab":
        parts.append("\t")
    elif tag == TEXT + "line-break":
        parts.append("\n")
    elif element.text:
        parts.append(element.text)
    for child in element:
        _flatten(child, parts)
        if child.tag in _BLOCKS:
            parts.append("\n")
        if child.tail:
            parts.append(child.tail)


def _block_text(element: Element) -> str:
    parts: list[str] = []
    _flatten(element, parts)
    return "".join(parts)


def _repeat(element: Element, attribute: str) -> int:
    try:
        return max(1, min(int(element.get(attribute, "1")), _MAX_REPEAT))
    except ValueError:
        return 1


def extract(
    archive: zipfile.ZipFile, kind: DocumentFormat, out: TextBuilder, budget: Budget
) -> None:
    _content(archive, kind, out, budget)
    headers_and_footers(archive, out, budget)


def _content(
    archive: zipfile.ZipFile, kind: DocumentFormat, out: TextBuilder, budget: Budget
) -> None:
    if "META-INF/manifest.xml" in archive.namelist():
        manifest = read_member(archive, archive.getinfo("META-INF/manifest.xml"), budget)
        if b"encryption-data" in manifest:
            raise Refused(SkipReason.ENCRYPTED, "ODF package with encryption data")
    depth = 0  # open blocks (a cell in ODS, a paragraph elsewhere)
    sheet, row, column = "", 0, 0
    slide = 0
    in_notes = 0
    cells = kind == DocumentFormat.ODS
    block_tags = {TABLE + "table-cell", TABLE + "covered-table-cell"} if cells else _BLOCKS
    for event, element in xml_events(archive, "content.xml", budget):
        tag = element.tag
        if event == "start":
            if tag in block_tags:
                depth += 1
            elif tag == TABLE + "table":
                sheet, row = element.get(TABLE + "name", ""), 0
            elif tag == TABLE + "table-row":
                column = 0
            elif tag == DRAW + "page":
                slide += 1
            elif tag == PRESENTATION + "notes":
                in_notes += 1
            continue
        if tag == PRESENTATION + "notes":
            in_notes -= 1
        elif tag == TABLE + "table-row":
            row += _repeat(element, TABLE + "number-rows-repeated")
            if cells:
                out.add("\n")
            element.clear()
        elif tag in block_tags:
            depth -= 1
            if depth:
                continue
            if cells:
                text = _block_text(element).rstrip("\n")
                if text:
                    out.add(text, f"sheet {sheet}!{_column_name(column + 1)}{row + 1}")
                    out.add("\t")
                column += _repeat(element, TABLE + "number-columns-repeated")
            else:
                if kind == DocumentFormat.ODP:
                    location = f"slide {slide} notes" if in_notes else f"slide {slide}"
                else:
                    location = None
                out.add(_block_text(element) + "\n", location)
            element.clear()


STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
# Page headers and footers of master pages (ODF 1.3 §16.10), first and left-page variants too.
_HEADERS = {STYLE + n: "header" for n in ("header", "header-left", "header-first")} | {
    STYLE + n: "footer" for n in ("footer", "footer-left", "footer-first")
}


def headers_and_footers(archive: zipfile.ZipFile, out: TextBuilder, budget: Budget) -> None:
    """The text of the page headers and footers, which live in `styles.xml`."""
    where: list[str] = []
    depth = 0
    for event, element in xml_events(archive, "styles.xml", budget):
        tag = element.tag
        if tag in _HEADERS:
            if event == "start":
                where.append(_HEADERS[tag])
            else:
                where.pop()
                element.clear()
            continue
        if not where or tag not in _BLOCKS:
            continue
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if not depth:
            out.add(_block_text(element) + "\n", where[-1])
            element.clear()
