"""Extracted text is always storable: no NUL, no lone surrogate; arbitrary bytes never raise."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude_compliance.documents import Extraction, Extractor, extract
from claude_compliance.documents.text import clean, decode
from compliance_simulator import documents as build

UNSAFE = {"\x00"} | {chr(c) for c in range(0xD800, 0xE000)}


def assert_storable(result: Extraction) -> None:
    if result.text is not None:
        assert not UNSAFE & set(result.text)
        result.text.encode("utf-8")  # what the lake writer does: must not raise
        starts = [s.start for s in result.segments]
        assert starts == sorted(starts) and all(0 <= s <= len(result.text) for s in starts)
    for segment in result.segments:
        segment.location.encode("utf-8")


@pytest.mark.parametrize(
    "data",
    [
        b"x" * (70 << 10) + b" key=value\x00tail",  # NUL past the detection sample
        codecs.BOM_UTF16_LE + "text ".encode("utf-16-le") * 4 + b"\x00\xd8b\x00",  # lone high
        codecs.BOM_UTF16_BE + b"\xdc\x00" + "text ".encode("utf-16-be") * 4,  # lone low
        codecs.BOM_UTF32_LE + b"\x00\xd8\x00\x00" + "text ".encode("utf-32-le") * 4,
        codecs.BOM_UTF32_LE + b"\xff\xff\x11\x00" + "text ".encode("utf-32-le") * 4,  # > U+10FFFF
        codecs.BOM_UTF8 + b"ok \xed\xa0\x80 surrogate in UTF-8, then more text",
        build.rtf("nul here").replace(b"nul", b"\\u0?ul"),
        build.rtf("lone here").replace(b"lone", b"\\u-10179?one"),
    ],
)
def test_nul_and_surrogates_become_replacement_characters(data: bytes) -> None:
    result = extract(data)
    assert result.text is not None, result
    assert_storable(result)
    assert "\ufffd" in result.text


def test_clean_keeps_offsets() -> None:
    text = "a\x00b\ud83dc\udc00d"
    assert clean(text) == "a\ufffdb\ufffdc\ufffdd"
    assert len(clean(text)) == len(text)


def test_a_text_mostly_undecodable_is_a_decode_error() -> None:
    data = codecs.BOM_UTF8 + bytes(range(0x80, 0xC0)) * 8
    result = extract(data)
    assert (result.detected_format, result.skipped_reason, result.text) == (
        "text",
        "decode_error",
        None,
    )


@given(st.binary(max_size=4096))
@settings(max_examples=400, deadline=None)
def test_text_extraction_of_arbitrary_bytes_never_raises(data: bytes) -> None:
    text, codec = decode(data)
    assert not UNSAFE & set(text)
    assert codec


SIGNATURES = [
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"{\\rtf1 ",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF32_BE,
    b"\x89PNG\r\n\x1a\n",
    b"",
]


@given(st.sampled_from(SIGNATURES), st.binary(max_size=2048))
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_extraction_of_arbitrary_bytes_never_raises(
    extractor: Extractor, head: bytes, body: bytes
) -> None:
    assert_storable(extractor.extract(head + body))


@given(st.text(max_size=300))
@settings(max_examples=60, deadline=None)
def test_any_text_survives_each_document_format(text: str) -> None:
    # Characters XML 1.0 cannot carry are not in a real document's text either.
    safe = "".join(c for c in text if c in "\t\n" or (" " <= c and not UNSAFE & {c}))
    safe = "".join(c for c in safe if c not in "\ufffe\uffff")
    for data in (build.docx([safe]), build.odt(safe), build.pptx([safe])):
        result = extract(data)
        assert_storable(result)
        assert result.skipped_reason is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text(codec: str) -> None:
    text = "password=hunter2 Grüße 日本\r\n" * 20
    result = extract(text.encode(codec))
    assert (result.detected_format, result.text, result.extractor) == ("text", text, codec)


def test_binary_with_many_nul_bytes_is_not_utf16() -> None:
    data = b"".join(i.to_bytes(4, "little") for i in range(2000))  # a table of small ints
    assert extract(data).skipped_reason == "binary"
