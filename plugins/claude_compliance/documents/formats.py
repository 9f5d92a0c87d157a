"""What a file is, decided by its bytes alone (never by its name or MIME type).

The Compliance API stores Word, PowerPoint and some PDFs as their extracted text under the
original name and MIME type (compliance-api.md §5.3), and users upload `id_rsa` or `.env` files
typed `application/octet-stream`: only the content says what a file is.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from enum import StrEnum

from claude_compliance.documents.text import bom_encoding, looks_like_text


class DocumentFormat(StrEnum):
    TEXT = "text"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    ODT = "odt"
    ODS = "ods"
    ODP = "odp"
    RTF = "rtf"
    ZIP = "zip"
    # A Compound File (OLE2): legacy .doc/.xls/.ppt, and password-protected OOXML, which
    # Office writes as a CFB holding `EncryptionInfo` and `EncryptedPackage`.
    OLE = "ole"
    IMAGE = "image"
    BINARY = "binary"


OOXML = frozenset({DocumentFormat.DOCX, DocumentFormat.XLSX, DocumentFormat.PPTX})
ODF = frozenset({DocumentFormat.ODT, DocumentFormat.ODS, DocumentFormat.ODP})
# Formats whose text needs a parser (run in the sandbox), as against decoding.
PARSED = OOXML | ODF | {DocumentFormat.PDF, DocumentFormat.RTF, DocumentFormat.ZIP}

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": DocumentFormat.ODT,
    b"application/vnd.oasis.opendocument.text-template": DocumentFormat.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": DocumentFormat.ODS,
    b"application/vnd.oasis.opendocument.spreadsheet-template": DocumentFormat.ODS,
    b"application/vnd.oasis.opendocument.presentation": DocumentFormat.ODP,
    b"application/vnd.oasis.opendocument.presentation-template": DocumentFormat.ODP,
}
# The OOXML main part that names each kind (ECMA-376 Part 2 package conventions).
_OOXML_MAIN = (
    ("word/", DocumentFormat.DOCX),
    ("xl/", DocumentFormat.XLSX),
    ("ppt/", DocumentFormat.PPTX),
)
# Local file header: signature, then name length at byte 26 and extra length at 28 (APPNOTE 4.3.7).
_LOCAL_HEADER = re.compile(rb"PK\x03\x04")
# ISO BMFF `ftyp` brands of HEIF/HEIC/AVIF images (ISO/IEC 23008-12, AV1 image format).
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
# BITMAPINFOHEADER family sizes (core, info, v2, v3, OS/2 v2, v4, v5).
_BMP_DIB_SIZES = {12, 40, 52, 56, 64, 108, 124}


def detect_format(data: bytes) -> str:
    """The format of `data` as one of `DocumentFormat`'s values, by content only."""
    return _detect(data).value


def _detect(data: bytes) -> DocumentFormat:
    if bom_encoding(data) is not None:
        return DocumentFormat.TEXT
    # Readers accept a header within the first KiB; a text that merely mentions "%PDF-" there
    # would have no end-of-file marker as well.
    if data.startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]):
        return DocumentFormat.PDF
    if data.startswith(b"{\\rtf"):
        return DocumentFormat.RTF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(data)
    if data.startswith(CFB_MAGIC):
        return DocumentFormat.OLE
    if _is_image(data):
        return DocumentFormat.IMAGE
    if looks_like_text(data):
        return DocumentFormat.TEXT
    return DocumentFormat.BINARY


def _is_image(data: bytes) -> bool:
    if data.startswith(
        (
            b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff",  # JPEG SOI and the first marker
            b"GIF87a",
            b"GIF89a",
            b"II*\x00",  # TIFF little-endian
            b"MM\x00*",  # TIFF big-endian
            b"II+\x00",  # BigTIFF
            b"MM\x00+",
            b"\x00\x00\x01\x00",  # ICO
            b"8BPS",  # Photoshop
            b"\xff\x0a",  # JPEG XL codestream
            b"\x00\x00\x00\x0cJXL \r\n\x87\n",  # JPEG XL container
        )
    ):
        return True
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return True
    # "BM" alone starts many English texts: also require the reserved zeros and a DIB size.
    if data[:2] == b"BM" and len(data) >= 18 and data[6:10] == b"\x00" * 4:
        return struct.unpack("<I", data[14:18])[0] in _BMP_DIB_SIZES
    return False


def _zip_kind(data: bytes) -> DocumentFormat:
    names, mimetype = _zip_names(data)
    if mimetype is not None and mimetype in _ODF_MIMETYPES:
        return _ODF_MIMETYPES[mimetype]
    if "[Content_Types].xml" in names:
        for prefix, kind in _OOXML_MAIN:
            if any(name.startswith(prefix) for name in names):
                return kind
    return DocumentFormat.ZIP


def _zip_names(data: bytes) -> tuple[set[str], bytes | None]:
    """Member names and the ODF `mimetype` member's content. From the central directory when
    it can be read; else (a truncated archive) from the local headers, scanned as bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = None
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 128 and not info.flag_bits & 1:
                    mimetype = archive.read(info).strip()
            return names, mimetype
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
        pass  # not readable as a whole: fall back to the local headers below
    names = set()
    mimetype = None
    for match in _LOCAL_HEADER.finditer(data[: 4 << 20]):
        start = match.start()
        if start + 30 > len(data):
            break
        (method,) = struct.unpack("<H", data[start + 8 : start + 10])
        (size,) = struct.unpack("<I", data[start + 18 : start + 22])
        name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
        name = data[start + 30 : start + 30 + name_len].decode("utf-8", errors="replace")
        names.add(name)
        if name == "mimetype" and method == 0 and size <= 128:
            body = start + 30 + name_len + extra_len
            mimetype = data[body : body + size].strip()
    return names, mimetype
