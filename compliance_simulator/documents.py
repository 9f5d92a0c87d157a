"""Document bytes for tests and the simulator: DOCX, XLSX, PPTX, PDF, ODF, RTF and ZIP holding
given text, and the hostile variants a scan must survive.

Standard library only. Every builder returns the bytes of a small, valid file of its kind, laid
out as the producing applications lay them out (parts, relationships, content types, xref
tables), so an extractor that reads these reads real files. The hostile builders are the ones
issue 12 names: a truncated DOCX, a nested zip bomb, a member that expands to 1 GiB, a PDF whose
objects reference each other in a loop, a password-protected PDF (a real RC4 /Encrypt
dictionary: it opens with its password) and a password-protected DOCX (the CFB container with
`EncryptionInfo` and `EncryptedPackage` streams that Office writes), plus images.
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _zip(parts: Sequence[tuple[str, bytes | str]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(parts):
            data = content.encode("utf-8") if isinstance(content, str) else content
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 30, 0))
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


def _content_types(defaults: Mapping[str, str], overrides: Mapping[str, str]) -> str:
    items = "".join(
        f"<Default Extension={quoteattr(ext)} ContentType={quoteattr(ct)}/>"
        for ext, ct in defaults.items()
    ) + "".join(
        f"<Override PartName={quoteattr(part)} ContentType={quoteattr(ct)}/>"
        for part, ct in overrides.items()
    )
    return f'{_XML}<Types xmlns="{_CT}">{items}</Types>'


def _rels(targets: Sequence[tuple[str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/{kind}" Target={quoteattr(target)}/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return f'{_XML}<Relationships xmlns="{_PKG_RELS}">{items}</Relationships>'


_OOXML_DEFAULTS = {
    "rels": "application/vnd.openxmlformats-package.relationships+xml",
    "xml": "application/xml",
}


# --- Word -------------------------------------------------------------------------------


def _w_paragraphs(text: str) -> str:
    out = []
    for line in text.split("\n"):
        runs = "<w:tab/>".join(
            f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in line.split("\t")
        )
        out.append(f"<w:p><w:r>{runs}</w:r></w:p>")
    return "".join(out)


def docx(
    pages: Sequence[str],
    *,
    header: str | None = None,
    footer: str | None = None,
    table: Sequence[Sequence[str]] | None = None,
    embedded: Mapping[str, bytes] | None = None,
) -> bytes:
    """A Word document: each page's text (lines become paragraphs), pages separated by page
    breaks; an optional header, footer, and a table after the last page's text. `embedded`
    objects (name -> bytes, e.g. a workbook) are stored in `word/embeddings/` as Word does."""
    body = []
    for index, page in enumerate(pages):
        if index:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        body.append(_w_paragraphs(page))
    if table:
        rows = "".join(
            "<w:tr>"
            + "".join(f"<w:tc><w:tcPr/>{_w_paragraphs(cell)}</w:tc>" for cell in row)
            + "</w:tr>"
            for row in table
        )
        columns = max(len(row) for row in table)
        grid = '<w:gridCol w:w="2000"/>' * columns
        body.append(f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>")
    references = []
    doc_rels: list[tuple[str, str]] = []
    parts: list[tuple[str, bytes | str]] = []
    overrides = {
        "/word/document.xml": "application/vnd.openxmlformats-officedocument."
        "wordprocessingml.document.main+xml"
    }
    for kind, text in (("header", header), ("footer", footer)):
        if text is None:
            continue
        doc_rels.append((kind, f"{kind}1.xml"))
        tag = "hdr" if kind == "header" else "ftr"
        references.append(f'<w:{kind}Reference w:type="default" r:id="rId{len(doc_rels)}"/>')
        parts.append(
            (
                f"word/{kind}1.xml",
                f'{_XML}<w:{tag} xmlns:w="{_W}" xmlns:r="{_R}">{_w_paragraphs(text)}</w:{tag}>',
            )
        )
        overrides[f"/word/{kind}1.xml"] = (
            f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
        )
    for name, content in (embedded or {}).items():
        doc_rels.append(("package", f"embeddings/{name}"))
        parts.append((f"word/embeddings/{name}", content))
    section = f"<w:sectPr>{''.join(references)}</w:sectPr>"
    document = (
        f'{_XML}<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
        f"{''.join(body)}{section}</w:body></w:document>"
    )
    return _zip(
        [
            ("[Content_Types].xml", _content_types(_OOXML_DEFAULTS, overrides)),
            ("_rels/.rels", _rels([("officeDocument", "word/document.xml")])),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", _rels(doc_rels)),
            *parts,
        ]
    )


# --- Excel ------------------------------------------------------------------------------


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _split_ref(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    column = 0
    for char in letters:
        column = column * 26 + ord(char.upper()) - 64
    return int(ref[len(letters) :]), column - 1


def xlsx(sheets: Mapping[str, Mapping[str, str | int | float]]) -> bytes:
    """A workbook: per sheet name, cell reference ("B7") -> value. Strings go to the shared
    string table, as Excel writes them; numbers stay in the cell."""
    shared: list[str] = []
    index_of: dict[str, int] = {}
    parts: list[tuple[str, bytes | str]] = []
    overrides = {
        "/xl/workbook.xml": "application/vnd.openxmlformats-officedocument."
        "spreadsheetml.sheet.main+xml",
        "/xl/sharedStrings.xml": "application/vnd.openxmlformats-officedocument."
        "spreadsheetml.sharedStrings+xml",
    }
    for number, cells in enumerate(sheets.values(), start=1):
        rows: dict[int, list[str]] = {}
        for ref, value in sorted(cells.items(), key=lambda item: _split_ref(item[0])):
            row, _ = _split_ref(ref)
            if isinstance(value, str):
                if value not in index_of:
                    index_of[value] = len(shared)
                    shared.append(value)
                cell = f'<c r="{ref}" t="s"><v>{index_of[value]}</v></c>'
            else:
                cell = f'<c r="{ref}"><v>{value}</v></c>'
            rows.setdefault(row, []).append(cell)
        data = "".join(f'<row r="{r}">{"".join(cells_)}</row>' for r, cells_ in rows.items())
        parts.append(
            (
                f"xl/worksheets/sheet{number}.xml",
                f'{_XML}<worksheet xmlns="{_S}" xmlns:r="{_R}"><sheetData>{data}</sheetData>'
                "</worksheet>",
            )
        )
        overrides[f"/xl/worksheets/sheet{number}.xml"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        )
    sheets_xml = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    strings = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in shared)
    workbook_rels = [("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(sheets) + 1)]
    workbook_rels.append(("sharedStrings", "sharedStrings.xml"))
    return _zip(
        [
            ("[Content_Types].xml", _content_types(_OOXML_DEFAULTS, overrides)),
            ("_rels/.rels", _rels([("officeDocument", "xl/workbook.xml")])),
            (
                "xl/workbook.xml",
                f'{_XML}<workbook xmlns="{_S}" xmlns:r="{_R}"><sheets>{sheets_xml}</sheets>'
                "</workbook>",
            ),
            ("xl/_rels/workbook.xml.rels", _rels(workbook_rels)),
            (
                "xl/sharedStrings.xml",
                f'{_XML}<sst xmlns="{_S}" count="{len(shared)}" uniqueCount="{len(shared)}">'
                f"{strings}</sst>",
            ),
            *parts,
        ]
    )


# --- PowerPoint -------------------------------------------------------------------------


def _a_paragraphs(text: str) -> str:
    return "".join(
        f'<a:p><a:r><a:rPr lang="en-US"/><a:t>{escape(line)}</a:t></a:r></a:p>'
        for line in text.split("\n")
    )


def _shape(shape_id: int, text: str, placeholder: str = "") -> str:
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Text {shape_id}"/><p:cNvSpPr/>'
        f"<p:nvPr>{placeholder}</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>{_a_paragraphs(text)}"
        "</p:txBody></p:sp>"
    )


_NOTES_BODY = '<p:ph type="body" idx="1"/>'


def pptx(slides: Sequence[str], *, notes: Sequence[str | None] | None = None) -> bytes:
    """A presentation: one text box per slide, and speaker notes where given."""
    ns = f'xmlns:p="{_P}" xmlns:a="{_A}" xmlns:r="{_R}"'
    parts: list[tuple[str, bytes | str]] = []
    overrides = {
        "/ppt/presentation.xml": "application/vnd.openxmlformats-officedocument."
        "presentationml.presentation.main+xml"
    }
    for number, text in enumerate(slides, start=1):
        tree = (
            '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
            f"<p:grpSpPr/>{_shape(2, text)}"
        )
        parts.append(
            (
                f"ppt/slides/slide{number}.xml",
                f"{_XML}<p:sld {ns}><p:cSld><p:spTree>{tree}</p:spTree></p:cSld></p:sld>",
            )
        )
        overrides[f"/ppt/slides/slide{number}.xml"] = (
            "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
        )
        note = notes[number - 1] if notes and number <= len(notes) else None
        slide_rels: list[tuple[str, str]] = []
        if note is not None:
            slide_rels.append(("notesSlide", f"../notesSlides/notesSlide{number}.xml"))
            parts.append(
                (
                    f"ppt/notesSlides/notesSlide{number}.xml",
                    f"{_XML}<p:notes {ns}><p:cSld><p:spTree>"
                    '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/>'
                    f"</p:nvGrpSpPr><p:grpSpPr/>{_shape(3, note, _NOTES_BODY)}"
                    "</p:spTree></p:cSld></p:notes>",
                )
            )
            overrides[f"/ppt/notesSlides/notesSlide{number}.xml"] = (
                "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml"
            )
        parts.append((f"ppt/slides/_rels/slide{number}.xml.rels", _rels(slide_rels)))
    ids = "".join(f'<p:sldId id="{255 + n}" r:id="rId{n}"/>' for n in range(1, len(slides) + 1))
    presentation = (
        f"{_XML}<p:presentation {ns}><p:sldIdLst>{ids}</p:sldIdLst>"
        '<p:sldSz cx="9144000" cy="6858000"/></p:presentation>'
    )
    return _zip(
        [
            ("[Content_Types].xml", _content_types(_OOXML_DEFAULTS, overrides)),
            ("_rels/.rels", _rels([("officeDocument", "ppt/presentation.xml")])),
            ("ppt/presentation.xml", presentation),
            (
                "ppt/_rels/presentation.xml.rels",
                _rels([("slide", f"slides/slide{n}.xml") for n in range(1, len(slides) + 1)]),
            ),
            *parts,
        ]
    )


# --- OpenDocument -----------------------------------------------------------------------

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'office:version="1.3"'
)


def _odf_paragraphs(text: str) -> str:
    return "".join(f"<text:p>{escape(line)}</text:p>" for line in text.split("\n"))


def _odf(kind: str, body: str) -> bytes:
    mime = f"application/vnd.oasis.opendocument.{kind}"
    manifest = (
        f'{_XML}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        'manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    content = f"{_XML}<office:document-content {_ODF_NS}><office:body>{body}</office:body>" + (
        "</office:document-content>"
    )
    # The `mimetype` member comes first and stored, so the type is readable at a fixed offset.
    return _zip(
        [("mimetype", mime), ("META-INF/manifest.xml", manifest), ("content.xml", content)],
        stored_first=True,
    )


def odt(paragraphs: str) -> bytes:
    """An OpenDocument text: each line a paragraph."""
    return _odf("text", f"<office:text>{_odf_paragraphs(paragraphs)}</office:text>")


def ods(sheets: Mapping[str, Sequence[Sequence[str]]]) -> bytes:
    """An OpenDocument spreadsheet: per sheet name, rows of cell strings from A1."""
    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string">{_odf_paragraphs(cell)}'
                "</table:table-cell>"
                for cell in row
            )
            + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    return _odf("spreadsheet", f"<office:spreadsheet>{tables}</office:spreadsheet>")


def odp(slides: Sequence[str]) -> bytes:
    """An OpenDocument presentation: one text frame per slide."""
    pages = "".join(
        f'<draw:page draw:name="page{n}"><draw:frame><draw:text-box>{_odf_paragraphs(text)}'
        "</draw:text-box></draw:frame></draw:page>"
        for n, text in enumerate(slides, start=1)
    )
    return _odf("presentation", f"<office:presentation>{pages}</office:presentation>")


# --- RTF --------------------------------------------------------------------------------


def rtf(paragraphs: str) -> bytes:
    """A Rich Text document: each line a paragraph; non-ASCII as \\uN escapes."""
    body = []
    for line in paragraphs.split("\n"):
        out = []
        for char in line:
            if char in "\\{}":
                out.append("\\" + char)
            elif ord(char) < 128:
                out.append(char)
            else:
                code = ord(char)
                if code > 0xFFFF:  # RTF \u takes a signed 16-bit UTF-16 unit: write the pair
                    code -= 0x10000
                    units = [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]
                else:
                    units = [code]
                out.extend(f"\\u{u - 65536 if u > 32767 else u}?" for u in units)
        body.append("".join(out) + "\\par\n")
    header = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs22\n"
    return (header + "".join(body) + "}").encode("ascii")


# --- ZIP --------------------------------------------------------------------------------


def zip_archive(members: Mapping[str, bytes | str]) -> bytes:
    """An archive of the given members (names are used as given: `..` included)."""
    return _zip(list(members.items()))


def zip_bomb_nested(*, levels: int = 4, fanout: int = 8, leaf_bytes: int = 8 << 20) -> bytes:
    """Archives within archives: `fanout` copies per level, a leaf of `leaf_bytes` zeros.

    With the defaults, four archive levels and 8^3 leaves of 8 MiB: 4 GiB from under 5 KiB.
    """
    data = zip_archive({"zeros.txt": bytes(leaf_bytes)})
    for level in range(levels - 1):
        data = zip_archive({f"level{level}-{i}.zip": data for i in range(fanout)})
    return data


@lru_cache(maxsize=4)
def _zero_stream(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes and its CRC-32, built without inflating: one
    full-flushed block of 1 MiB zeros, repeated (a full flush resets the window, so copies of
    the same block concatenate into one valid stream)."""
    chunk = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, chunk)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    ending = tail.compress(bytes(rest)) + tail.flush(zlib.Z_FINISH)
    crc = 0
    zeros = bytes(chunk)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    return block * whole + ending, crc


def _raw_zip(entries: Sequence[tuple[str, int, int, bytes, int]]) -> bytes:
    """An archive from (name, method, crc, stored bytes, declared size) as given: nothing is
    compressed or checked here, so headers may lie."""
    local_records = bytearray()
    directory = bytearray()
    for name, method, crc, stored, declared in entries:
        encoded = name.encode("utf-8")
        offset = len(local_records)
        local_records += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, 0x0800, method, 0, 0x5B42, crc, len(stored),
            declared, len(encoded), 0,
        ) + encoded + stored  # fmt: skip
        directory += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0x0800, method, 0, 0x5B42, crc, len(stored),
            declared, len(encoded), 0, 0, 0, 0, 0, offset,
        ) + encoded  # fmt: skip
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory),
        len(local_records), 0,
    )  # fmt: skip
    return bytes(local_records + directory + end)


def zip_large_member(
    *,
    size: int = 1 << 30,
    declared_size: int | None = None,
    name: str = "huge.txt",
    others: Mapping[str, bytes | str] | None = None,
) -> bytes:
    """An archive with one member expanding to `size` bytes (1 GiB by default) from about
    a thousandth of that; `declared_size` makes the headers lie about the expanded size.
    `others` are stored before it (e.g. the parts that make the archive a DOCX)."""
    stream, crc = _zero_stream(size)
    entries = []
    for other, content in (others or {}).items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        entries.append((other, 0, zlib.crc32(data), data, len(data)))
    declared = size if declared_size is None else declared_size
    entries.append((name, 8, crc, stream, declared))
    return _raw_zip(entries)


def zip_encrypted_member(name: str = "secret.txt", size: int = 64) -> bytes:
    """An archive whose one member is ZipCrypto-encrypted (flag bit 0; 12-byte header)."""
    payload = hashlib.sha256(name.encode()).digest() * (size // 32 + 2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 30, 0))
        archive.writestr(info, payload[: size + 12])
    data = bytearray(buffer.getvalue())
    # Set the "encrypted" flag in the local header and in the central directory entry.
    data[6] |= 0x01
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x01
    return bytes(data)


# --- PDF --------------------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_stream(text: str) -> bytes:
    lines = [b"BT", b"/F1 11 Tf", b"14 TL", b"72 760 Td"]
    for line in text.split("\n"):
        lines.append(_pdf_string(line) + b" Tj T*")
    lines.append(b"ET")
    return b"\n".join(lines)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _assemble_pdf(objects: Sequence[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf(pages: Sequence[str], *, compress: bool = True, user_password: str | None = None) -> bytes:
    """A PDF with one content stream per page (Helvetica, lines as `Tj`), Flate-compressed
    as producers write them. With `user_password`, encrypted with the standard security
    handler (revision 2, RC4 40-bit): it opens with that password and with no other."""
    count = len(pages)
    # 1 catalog, 2 pages, 3 font, then page i at 4 + 2i and its content at 5 + 2i.
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    key = b""
    trailer = b""
    if user_password is not None:
        file_id = hashlib.md5(b"".join(p.encode() for p in pages)).digest()  # noqa: S324 - PDF spec
        owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]  # noqa: S324 - PDF spec
        user_padded = (user_password.encode("latin-1") + _PAD)[:32]
        owner_entry = _rc4(owner_key, user_padded)
        permissions = -44
        key = hashlib.md5(  # noqa: S324 - the key derivation PDF 1.4 specifies
            user_padded + owner_entry + struct.pack("<i", permissions) + file_id
        ).digest()[:5]
        user_entry = _rc4(key, _PAD)
        trailer = b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (
            4 + 2 * count,
            file_id.hex().encode(),
            file_id.hex().encode(),
        )
    for index, text in enumerate(pages):
        number = 5 + 2 * index
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % number
        )
        stream = _page_stream(text)
        filters = b""
        if compress:
            stream, filters = zlib.compress(stream), b" /Filter /FlateDecode"
        if key:
            object_key = hashlib.md5(  # noqa: S324 - PDF spec
                key + number.to_bytes(3, "little") + b"\x00\x00"
            ).digest()[:10]
            stream = _rc4(object_key, stream)
        objects.append(
            b"<< /Length %d%s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream"
        )
    if key:
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
            % (owner_entry.hex().encode(), user_entry.hex().encode(), permissions)
        )
    return _assemble_pdf(objects, trailer)


def pdf_loop() -> bytes:
    """A PDF whose page tree is a cycle: the root's kid is a node whose kid is the root, and
    the content stream's length is a reference to itself."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Parent 2 0 R /Count 1 >>",
        b"<< /Type /Page /Parent 3 0 R /Contents 5 0 R /Resources 4 0 R >>",
        b"<< /Length 5 0 R >>\nstream\nBT (loop) Tj ET\nendstream",
    ]
    return _assemble_pdf(objects)


# --- Encrypted Office (CFB) -------------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF

_AGILE_INFO = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
    'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
    '<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
    'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
    'saltValue="{salt}"/>'
    '<dataIntegrity encryptedHmacKey="{hmac}" encryptedHmacValue="{hmac}"/>'
    '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/'
    'password"><p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" '
    'hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
    'hashAlgorithm="SHA512" saltValue="{salt}" encryptedVerifierHashInput="{salt}" '
    'encryptedVerifierHashValue="{hmac}" encryptedKeyValue="{salt}"/></keyEncryptor>'
    "</keyEncryptors></encryption>"
)


def _dir_entry(
    name: str, kind: int, *, child: int = _NOSTREAM, left: int = _NOSTREAM, start: int = 0,
    size: int = 0,
) -> bytes:  # fmt: skip
    encoded = (name + "\x00").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sI16sIQ",
        encoded, len(encoded), kind, 1, left, _NOSTREAM, child, bytes(16), 0, bytes(16),
        start, size,
    )  # fmt: skip


def ooxml_encrypted(seed: str = "document") -> bytes:
    """A password-protected DOCX/XLSX/PPTX as Office writes it: a CFB (OLE2) container with
    an agile `EncryptionInfo` stream (in the mini stream) and an `EncryptedPackage` stream."""
    digest = hashlib.sha512(seed.encode()).digest()
    salt = base64.b64encode(digest[:16]).decode()
    hmac = base64.b64encode(digest).decode()
    info = struct.pack("<HHI", 4, 4, 0x40) + _AGILE_INFO.format(salt=salt, hmac=hmac).encode()
    package = struct.pack("<Q", 7000) + (digest * 128)[:7168]
    mini_sectors = -(-len(info) // 64)
    mini_stream = info.ljust(mini_sectors * 64, b"\x00")
    mini_stream_sectors = -(-len(mini_stream) // 512)
    package_sectors = -(-len(package) // 512)
    # Sectors: 0 FAT, 1 directory, 2 mini FAT, then the mini stream, then the package.
    first_mini = 3
    first_package = first_mini + mini_stream_sectors
    fat = [_FATSECT, _END, _END]
    fat += [first_mini + i + 1 for i in range(mini_stream_sectors - 1)] + [_END]
    fat += [first_package + i + 1 for i in range(package_sectors - 1)] + [_END]
    fat += [_FREE] * (128 - len(fat))
    mini_fat = [i + 1 for i in range(mini_sectors - 1)] + [_END]
    mini_fat += [_FREE] * (128 - len(mini_fat))
    directory = (
        _dir_entry("Root Entry", 5, child=2, start=first_mini, size=len(mini_stream))
        + _dir_entry("EncryptionInfo", 2, start=0, size=len(info))
        + _dir_entry("EncryptedPackage", 2, left=1, start=first_package, size=len(package))
        + bytes(128)
    )
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6),
        0, 1, 1, 0, 0x1000, 2, 1, _END, 0,
    )  # fmt: skip
    header += struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    sectors = [
        struct.pack("<128I", *fat),
        directory,
        struct.pack("<128I", *mini_fat),
        mini_stream.ljust(mini_stream_sectors * 512, b"\x00"),
        package.ljust(package_sectors * 512, b"\x00"),
    ]
    return header + b"".join(sectors)


# --- Images -----------------------------------------------------------------------------


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + bytes([128]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """The head of a JFIF JPEG (SOI, APP0 JFIF segment, a comment) and its end marker: what
    detection reads; no decoder is involved in a scan."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"synthetic"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )
