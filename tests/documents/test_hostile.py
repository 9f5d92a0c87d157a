"""Hostile documents: each ends with its reason in bounded time, and the next one extracts.

The bound is pytest-timeout's (no timed assertion): a hang or a full inflation of a bomb would
run into it.
"""

from __future__ import annotations

import io
import os
import signal
import zipfile

import pytest

from claude_compliance.documents import Extractor, Limits
from compliance_simulator import documents as build

pytestmark = pytest.mark.timeout(120)

NEXT = build.docx(["after the bad one: NEXTDOC"])


def odf_encrypted() -> bytes:
    manifest = (
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
    )
    return build.zip_archive(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "META-INF/manifest.xml": manifest,
            "content.xml": os.urandom(256),
        }
    )


def xml_bomb_docx() -> bytes:
    """A DOCX whose body is a billion-laughs entity expansion (10^9 "lol"s)."""
    entities = '<!ENTITY l0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(build.docx(["x"]))) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            data = bomb.encode() if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


HOSTILE = {
    "truncated-docx": (half(build.docx(["x " * 2000, "y " * 2000])), "extraction_failed"),
    "truncated-docx-tail": (build.docx(["x " * 2000])[:-10], "extraction_failed"),
    "truncated-xlsx": (half(build.xlsx({"S": {f"A{i}": f"v{i}" for i in range(300)}})), None),
    "truncated-pdf": (half(build.pdf([f"page {i}" for i in range(20)])), None),
    "nested-zip-bomb": (build.zip_bomb_nested(), "oversize"),
    "wide-zip-bomb": (build.zip_bomb_nested(levels=2, fanout=64, leaf_bytes=4 << 20), "oversize"),
    "member-expanding-to-1-GiB": (build.zip_large_member(), "oversize"),
    "1-GiB-member-whose-headers-say-1-KiB": (
        build.zip_large_member(declared_size=1024),
        "extraction_failed",
    ),
    "1-GiB-member-declared-60-MiB": (
        build.zip_large_member(declared_size=60 << 20),
        "extraction_failed",
    ),
    "docx-part-expanding-to-1-GiB": (
        build.zip_large_member(name="word/document.xml", others={"[Content_Types].xml": "<x/>"}),
        "oversize",
    ),
    "docx-part-expanding-to-1-GiB-declared-1-KiB": (
        build.zip_large_member(
            name="word/document.xml", declared_size=1024, others={"[Content_Types].xml": "<x/>"}
        ),
        "extraction_failed",
    ),
    "pdf-object-loop": (build.pdf_loop(), "extraction_failed"),
    "pdf-password": (build.pdf(["secret page"], user_password="s3cret"), "encrypted"),
    "docx-password": (build.ooxml_encrypted(), "encrypted"),
    "odt-password": (odf_encrypted(), "encrypted"),
    "zip-password": (build.zip_encrypted_member(), "encrypted"),
    "png": (build.png(), "image"),
    "jpeg": (build.jpeg(), "image"),
    "xml-entity-bomb-docx": (xml_bomb_docx(), "extraction_failed"),
    "garbage-after-pdf-header": (b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF", None),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_gives_its_reason_and_the_next_one_extracts(
    extractor: Extractor, name: str
) -> None:
    data, reason = HOSTILE[name]
    result = extractor.extract(data)
    if reason is None:  # damaged but partly readable, or unreadable: never an exception
        assert result.skipped_reason in (None, "extraction_failed")
    else:
        assert result.skipped_reason == reason, result
        assert result.text is None
    after = extractor.extract(NEXT)
    assert after.text is not None and "NEXTDOC" in after.text


def test_a_document_over_the_time_limit_fails_and_the_worker_is_replaced() -> None:
    big = build.pdf([f"line {i} " * 40 for i in range(400)])
    with Extractor() as extractor:
        result = extractor.extract(big, limits=Limits(timeout_s=0.001))
        assert result.skipped_reason == "extraction_failed"
        assert extractor.sandbox.restarts == 1
        after = extractor.extract(NEXT)
        assert after.text is not None and "NEXTDOC" in after.text


def test_a_document_over_the_memory_limit_fails_and_the_next_one_extracts() -> None:
    # 200 MiB of text in one XML element: it fits the byte budget but not a 300 MiB worker.
    many = build.zip_archive({"big.txt": b"A" * (200 << 20)})
    limits = Limits(memory_bytes=300 << 20, max_expanded_bytes=1 << 30, max_text_chars=1 << 30)
    with Extractor() as extractor:
        result = extractor.extract(many, limits=limits)
        assert result.skipped_reason == "extraction_failed"
        after = extractor.extract(NEXT, limits=limits)
        assert after.text is not None and "NEXTDOC" in after.text


def test_a_worker_that_dies_is_replaced() -> None:
    with Extractor() as extractor:
        assert extractor.extract(NEXT).text is not None
        process = extractor.sandbox._process
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        after = extractor.extract(NEXT)
        assert after.text is not None and "NEXTDOC" in after.text


def test_nesting_beyond_the_depth_cap_is_oversize(extractor: Extractor) -> None:
    data = build.zip_archive({"leaf.txt": "DEEP"})
    for _ in range(3):
        data = build.zip_archive({"inner.zip": data})
    assert extractor.extract(data).skipped_reason == "oversize"
    shallow = build.zip_archive({"inner.zip": build.zip_archive({"leaf.txt": "SHALLOW"})})
    assert extractor.extract(shallow).text == "SHALLOW\n"


def test_too_many_members_is_oversize(extractor: Extractor) -> None:
    data = build.zip_archive({f"f{i}.txt": "x" for i in range(50)})
    assert extractor.extract(data, limits=Limits(max_members=10)).skipped_reason == "oversize"


def test_close_stops_the_worker() -> None:
    extractor = Extractor()
    extractor.extract(NEXT)
    process = extractor.sandbox._process
    assert process is not None and process.poll() is None
    extractor.close()
    assert process.poll() is not None


def test_a_forked_process_starts_its_own_worker() -> None:
    with Extractor() as extractor:
        assert extractor.extract(NEXT).text is not None
        parent_worker = extractor.sandbox._process
        assert parent_worker is not None
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: extract, report whether it used its own worker, exit
            ok = b"0"
            try:
                result = extractor.extract(NEXT)
                own = extractor.sandbox._process
                if result.text and own is not None and own.pid != parent_worker.pid:
                    ok = b"1"
                extractor.sandbox._stop()
            finally:
                os.write(write, ok)
                os._exit(0)
        os.close(write)
        assert os.read(read, 1) == b"1"
        os.waitpid(pid, 0)
        assert parent_worker.poll() is None  # the child left the parent's worker alone
        assert extractor.extract(NEXT).text is not None
