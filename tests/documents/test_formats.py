"""Format detection by content: every format, and text however it is named or typed."""

from __future__ import annotations

import codecs

import pytest

from claude_compliance.documents import detect_format
from compliance_simulator import documents as build

SECRET = "SSN 078-05-1120 and password hunter2"

CASES = {
    "pdf": build.pdf(["page one", "page two"]),
    "pdf-uncompressed": build.pdf(["page one"], compress=False),
    "pdf-encrypted": build.pdf(["page"], user_password="pw"),
    "pdf-loop": build.pdf_loop(),
    "docx": build.docx(["one"]),
    "docx-truncated": build.docx(["one " * 500])[:900],
    "xlsx": build.xlsx({"Sheet1": {"A1": "x"}}),
    "pptx": build.pptx(["slide"]),
    "odt": build.odt("para"),
    "ods": build.ods({"S": [["a"]]}),
    "odp": build.odp(["slide"]),
    "rtf": build.rtf("hello"),
    "zip": build.zip_archive({"a.txt": "a", "b/c.txt": "c"}),
    "zip-of-docx": build.zip_archive({"report.docx": build.docx(["x"])}),
    "zip-bomb": build.zip_bomb_nested(),
    "ole-encrypted-ooxml": build.ooxml_encrypted(),
    "png": build.png(),
    "jpeg": build.jpeg(),
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00",
    "tiff": b"II*\x00\x08\x00\x00\x00\x00\x00",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "bmp": b"BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00" + bytes(52),
    "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
    "random": bytes((i * 167 + 13) % 256 for i in range(4096)),
}
EXPECTED = {
    "pdf": "pdf",
    "pdf-uncompressed": "pdf",
    "pdf-encrypted": "pdf",
    "pdf-loop": "pdf",
    "docx": "docx",
    "docx-truncated": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "odt": "odt",
    "ods": "ods",
    "odp": "odp",
    "rtf": "rtf",
    "zip": "zip",
    "zip-of-docx": "zip",
    "zip-bomb": "zip",
    "ole-encrypted-ooxml": "ole",
    "png": "image",
    "jpeg": "image",
    "gif": "image",
    "webp": "image",
    "tiff": "image",
    "heic": "image",
    "bmp": "image",
    "elf": "binary",
    "random": "binary",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_format_is_detected_by_its_bytes(name: str) -> None:
    assert detect_format(CASES[name]) == EXPECTED[name]


TEXTS = {
    # What the API serves for a Word or PowerPoint upload: its extracted text (§5.3).
    "docx-stored-as-extracted-text": f"Quarterly report\n\n{SECRET}\n".encode(),
    "pdf-stored-as-extracted-text": f"Page 1\n{SECRET}\fPage 2\n".encode(),
    "id_rsa": b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
    b"-----END OPENSSH PRIVATE KEY-----\n",
    "dotenv-octet-stream": b"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    "utf8-bom": codecs.BOM_UTF8 + SECRET.encode(),
    "utf16-le-bom": SECRET.encode("utf-16"),
    "utf16-be-bom": codecs.BOM_UTF16_BE + SECRET.encode("utf-16-be"),
    "utf32-bom": SECRET.encode("utf-32"),
    "cp1252": "Café crème, naïve façade — “quoted” €10".encode("cp1252"),
    "latin-1": "Grüße aus Köln, año, déjà vu".encode("latin-1"),
    "utf8-multibyte": "日本語のテキスト and émojis 🎉".encode(),
    "empty": b"",
    # Text that starts like a binary signature is still text.
    "starts-BM": b"BM is a bowel movement; this file is prose.\n",
    "mentions-pdf-header": b"Each PDF starts with %PDF-1.7 and a binary comment.\n",
    "starts-PK-word": b"PK means primary key in this schema.\n",
    "rtf-like-prose": b"The RTF header is {\\rtf1 ...} in the spec\n",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_text_is_text_whatever_it_is_called(name: str) -> None:
    assert detect_format(TEXTS[name]) == "text"


def test_a_text_cut_inside_a_multibyte_character_at_the_sample_edge_is_text() -> None:
    # b"a" then two-byte "é"s: the 65,536th byte is the first half of an "é".
    data = b"a" + ("é" * 40000).encode()
    assert detect_format(data) == "text"


def test_binary_with_a_few_nul_bytes_is_not_text() -> None:
    assert detect_format(b"hello\x00world" * 100) == "binary"
