"""The simulator's documents are what they claim: real files of their kind, hostile as said."""

from __future__ import annotations

import io
import zipfile

import msoffcrypto
import pypdfium2 as pdfium
import pytest

from compliance_simulator import documents as build


def test_encrypted_ooxml_is_recognised_as_such_by_an_office_crypto_library() -> None:
    office = msoffcrypto.OfficeFile(io.BytesIO(build.ooxml_encrypted()))
    assert type(office).__name__ == "OOXMLFile"
    assert office.is_encrypted()


def test_encrypted_pdf_opens_with_its_password_only() -> None:
    data = build.pdf(["the secret page"], user_password="s3cret")
    document = pdfium.PdfDocument(data, password="s3cret")
    assert document[0].get_textpage().get_text_range() == "the secret page"
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data)


def test_multi_page_pdf_has_its_text_in_its_content_streams() -> None:
    document = pdfium.PdfDocument(build.pdf([f"page {n}" for n in range(1, 51)]))
    assert len(document) == 50
    assert document[49].get_textpage().get_text_range() == "page 50"


def test_large_member_is_small_and_declares_1_gib() -> None:
    data = build.zip_large_member()
    assert len(data) < 2 << 20
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (info,) = archive.infolist()
        assert info.file_size == 1 << 30
        with archive.open(info) as stream:
            assert stream.read(1 << 20) == bytes(1 << 20)


def _declared(data: bytes) -> int:
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".zip"):
                total += _declared(archive.read(info))
            else:
                total += info.file_size
    return total


def test_nested_bomb_is_small_and_expands_to_gigabytes() -> None:
    data = build.zip_bomb_nested()
    assert len(data) < 64 << 10
    assert _declared(data) >= 4 << 30
