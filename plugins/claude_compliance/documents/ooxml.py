"""Text of Office Open XML documents (DOCX, XLSX, PPTX), read from their XML parts.

DOCX: the body by page (explicit and last-rendered page breaks), tables, text boxes, tracked
deletions and field codes, then headers, footers, footnotes, endnotes and comments. XLSX: every
cell's value (shared, inline and literal strings, numbers) located as "sheet Name!B7". PPTX:
every slide's text and its speaker notes, in presentation order. All three: comments, and the
targets of external links ("links").
"""

from __future__ import annotations

import posixpath
import pyexpat
import re
import zipfile

from claude_compliance.documents.archive import expat_parse, xml_events
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


S_URI = S[1:-1]
_SI, _T, _RPH, _ROW, _C, _V, _IS = (
    f"{S_URI} {n}" for n in ("si", "t", "rPh", "row", "c", "v", "is")
)


def _shared_strings(archive: zipfile.ZipFile, part: str, budget: Budget) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    state = {"collect": False, "phonetic": 0}

    def start(name: str, _: dict[str, str]) -> None:
        if name == _SI:
            parts.clear()
        elif name == _RPH:  # phonetic runs are reading aids, not the cell's text
            state["phonetic"] += 1
        elif name == _T and not state["phonetic"]:
            state["collect"] = True

    def end(name: str) -> None:
        if name == _T:
            state["collect"] = False
        elif name == _RPH:
            state["phonetic"] -= 1
        elif name == _SI:
            strings.append("".join(parts))

    def chars(data: str) -> None:
        if state["collect"]:
            parts.append(data)

    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    expat_parse(archive, part, budget, parser)
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


class _SheetReader:
    """Expat handlers that emit each cell's value with its location."""

    def __init__(self, name: str, shared: list[str], out: TextBuilder) -> None:
        self.prefix = f"sheet {name}!"
        self.shared = shared
        self.out = out
        self.row = 0
        self.column = 0
        self.ref: str | None = None
        self.kind: str | None = None
        self.parts: list[str] = []
        self.collect = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _C:
            self.column += 1
            self.ref = attributes.get("r")
            self.kind = attributes.get("t")
            self.parts = []
        elif name == _V or (name == _T and self.kind == "inlineStr"):
            self.collect = True
        elif name == _ROW:
            try:
                self.row = int(attributes.get("r") or self.row + 1)
            except ValueError:
                self.row += 1
            self.column = 0

    def end(self, name: str) -> None:
        if name in (_V, _T):
            self.collect = False
        elif name == _C:
            value = "".join(self.parts)
            if self.kind == "s":
                try:
                    value = self.shared[int(value)]
                except (ValueError, IndexError):
                    value = ""
            if value:
                ref = self.ref or f"{_column_name(self.column)}{self.row}"
                self.out.add(value + "\t", self.prefix + ref)
        elif name == _ROW:
            self.out.add("\n")

    def chars(self, data: str) -> None:
        if self.collect:
            self.parts.append(data)


def _sheet(
    archive: zipfile.ZipFile,
    part: str,
    name: str,
    shared: list[str],
    out: TextBuilder,
    budget: Budget,
) -> None:
    reader = _SheetReader(name, shared, out)
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.chars
    expat_parse(archive, part, budget, parser)


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


# --- Every kind -------------------------------------------------------------------------

# Comment parts of workbooks and presentations (legacy, threaded, modern): their text elements.
_COMMENT_PARTS = re.compile(
    r"xl/comments\d*\.xml|xl/threadedComments/[^/]+\.xml|ppt/comments/[^/]+\.xml"
)
_TEXT_TAGS = ("}t", "}text")


def comments_and_links(archive: zipfile.ZipFile, out: TextBuilder, budget: Budget) -> None:
    """Workbook and presentation comments, then the targets of external links (a hyperlink's
    URL lives only in a relationship, and URLs carry tokens in their query strings)."""
    names = sorted(archive.namelist(), key=_natural)
    for name in names:
        if _COMMENT_PARTS.fullmatch(name):
            for event, element in xml_events(archive, name, budget):
                if event == "end" and element.tag.endswith(_TEXT_TAGS) and element.text:
                    out.add(element.text + "\n", "comments")
    for name in names:
        if not name.endswith(".rels"):
            continue
        for event, element in xml_events(archive, name, budget):
            if (
                event == "end"
                and element.tag == PR + "Relationship"
                and element.get("TargetMode") == "External"
                and element.get("Target")
            ):
                out.add(element.get("Target", "") + "\n", "links")
