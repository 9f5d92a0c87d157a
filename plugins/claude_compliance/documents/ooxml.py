"""Text of Office Open XML documents (DOCX, XLSX, PPTX), read from their XML parts.

DOCX: the body by page (explicit and last-rendered page breaks), tables, text boxes, tracked
deletions and field codes, then headers, footers, footnotes, endnotes and comments. XLSX: every
cell's value (shared, inline and literal strings, numbers) located as "sheet Name!B7". PPTX:
every slide's text and its speaker notes, in presentation order.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree.ElementTree import Element

from claude_compliance.documents.archive import xml_events
from claude_compliance.documents.output import Budget, TextBuilder

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Word's secondary parts, in the order their text is appended after the body.
_WORD_PARTS = (
    ("header", re.compile(r"word/header\d*\.xml")),
    ("footer", re.compile(r"word/footer\d*\.xml")),
    ("footnotes", re.compile(r"word/footnotes\.xml")),
    ("endnotes", re.compile(r"word/endnotes\.xml")),
    ("comments", re.compile(r"word/comments\.xml")),
)
_NUMBER = re.compile(r"(\d+)")


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in _NUMBER.split(name))


def _relationships(
    archive: zipfile.ZipFile, part: str, budget: Budget
) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last segment, resolved part name) of one part."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    for event, element in xml_events(archive, rels, budget):
        if event == "end" and element.tag == PR + "Relationship":
            if element.get("TargetMode") == "External":
                continue
            target = element.get("Target", "")
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            kind = element.get("Type", "").rsplit("/", 1)[-1]
            found[element.get("Id", "")] = (kind, resolved)
    return found


def _main_part(archive: zipfile.ZipFile, budget: Budget, default: str) -> str:
    for kind, target in _relationships(archive, "", budget).values():
        if kind == "officeDocument":
            return target
    return default


# --- Word -------------------------------------------------------------------------------


def _word_part(
    archive: zipfile.ZipFile, part: str, out: TextBuilder, budget: Budget, label: str | None
) -> None:
    page = 1
    page_has_text = False
    in_run = 0
    skipping = 0
    for event, element in xml_events(archive, part, budget):
        tag = element.tag
        if tag == MC_FALLBACK:  # the same content again, for older readers
            skipping += 1 if event == "start" else -1
            continue
        if skipping:
            if event == "end":
                element.clear()
            continue
        location = label or f"page {page}"
        if event == "start":
            if tag == W + "r":
                in_run += 1
            elif in_run and tag in (W + "br", W + "cr"):
                if tag == W + "br" and element.get(W + "type") == "page":
                    if page_has_text and label is None:
                        page, page_has_text = page + 1, False
                else:
                    out.add("\n", location)
            elif in_run and tag == W + "tab":
                out.add("\t", location)
            elif tag == W + "lastRenderedPageBreak" and page_has_text and label is None:
                page, page_has_text = page + 1, False
        elif tag in (W + "t", W + "delText", W + "instrText"):
            if element.text:
                out.add(element.text if tag == W + "t" else f" {element.text} ", location)
                page_has_text = True
        elif tag == W + "r":
            in_run -= 1
        elif tag == W + "p":
            out.add("\n", location)
            element.clear()
        elif tag == W + "tc":
            element.clear()


def docx(archive: zipfile.ZipFile, out: TextBuilder, budget: Budget) -> None:
    _word_part(archive, _main_part(archive, budget, "word/document.xml"), out, budget, None)
    names = sorted(archive.namelist(), key=_natural)
    for label, pattern in _WORD_PARTS:
        for name in names:
            if pattern.fullmatch(name):
                _word_part(archive, name, out, budget, label)


# --- Excel ------------------------------------------------------------------------------


def _column_name(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _shared_strings(archive: zipfile.ZipFile, part: str, budget: Budget) -> list[str]:
    strings: list[str] = []
    for event, element in xml_events(archive, part, budget):
        if event == "end" and element.tag == S + "si":
            # Phonetic runs (rPh) are reading aids, not the cell's text.
            phonetic = {id(t) for ph in element.iter(S + "rPh") for t in ph.iter(S + "t")}
            strings.append(
                "".join(t.text or "" for t in element.iter(S + "t") if id(t) not in phonetic)
            )
            element.clear()
    return strings


def xlsx(archive: zipfile.ZipFile, out: TextBuilder, budget: Budget) -> None:
    workbook = _main_part(archive, budget, "xl/workbook.xml")
    rels = _relationships(archive, workbook, budget)
    shared_part = next((t for k, t in rels.values() if k == "sharedStrings"), None)
    shared = _shared_strings(archive, shared_part, budget) if shared_part else []
    sheets: list[tuple[str, str]] = []
    for event, element in xml_events(archive, workbook, budget):
        if event == "end" and element.tag == S + "sheet":
            rel = rels.get(element.get(R + "id", ""))
            if rel is not None:
                sheets.append((element.get("name", ""), rel[1]))
    for name, part in sheets:
        _sheet(archive, part, name, shared, out, budget)


def _sheet(
    archive: zipfile.ZipFile,
    part: str,
    name: str,
    shared: list[str],
    out: TextBuilder,
    budget: Budget,
) -> None:
    row = 0
    column = 0
    for event, element in xml_events(archive, part, budget):
        tag = element.tag
        if event == "start":
            if tag == S + "row":
                row = int(element.get("r") or row + 1)
                column = 0
            continue
        if tag == S + "c":
            ref = element.get("r")
            column += 1
            if ref is None:
                ref = f"{_column_name(column)}{row}"
            value = _cell_value(element, shared)
            if value:
                out.add(value, f"sheet {name}!{ref}")
                out.add("\t")
            element.clear()
        elif tag == S + "row":
            out.add("\n")
            element.clear()


def _cell_value(cell: Element, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(S + "t"))
    value = cell.find(S + "v")
    text = value.text if value is not None and value.text else ""
    if kind == "s":
        try:
            return shared[int(text)]
        except (ValueError, IndexError):
            return ""
    return text


# --- PowerPoint -------------------------------------------------------------------------


def _drawing_text(
    archive: zipfile.ZipFile, part: str, out: TextBuilder, budget: Budget, location: str
) -> None:
    skipping = 0
    for event, element in xml_events(archive, part, budget):
        tag = element.tag
        if tag == MC_FALLBACK:
            skipping += 1 if event == "start" else -1
            continue
        if skipping or event == "start":
            continue
        if tag == A + "t" and element.text:
            out.add(element.text, location)
        elif tag == A + "br":
            out.add("\n", location)
        elif tag == A + "p":
            out.add("\n", location)
            element.clear()


def pptx(archive: zipfile.ZipFile, out: TextBuilder, budget: Budget) -> None:
    presentation = _main_part(archive, budget, "ppt/presentation.xml")
    rels = _relationships(archive, presentation, budget)
    slides: list[str] = []
    for event, element in xml_events(archive, presentation, budget):
        if event == "end" and element.tag == P + "sldId":
            rel = rels.get(element.get(R + "id", ""))
            if rel is not None and rel[0] == "slide":
                slides.append(rel[1])
    if not slides:  # no slide list: take the slide parts in their natural order
        slides = sorted(
            (n for n in archive.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
            key=_natural,
        )
    for number, slide in enumerate(slides, start=1):
        _drawing_text(archive, slide, out, budget, f"slide {number}")
        for kind, target in _relationships(archive, slide, budget).values():
            if kind == "notesSlide":
                _drawing_text(archive, target, out, budget, f"slide {number} notes")
