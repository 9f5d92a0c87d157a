"""Every format gives back its planted text, and every planted value maps to its location."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest

from claude_compliance.documents import Extraction, Extractor, Segment, location_at
from compliance_simulator import documents as build


def locate(extraction: Extraction, value: str) -> str | None:
    assert extraction.skipped_reason is None, extraction
    assert extraction.text is not None
    offset = extraction.text.find(value)
    assert offset >= 0, f"{value!r} not in {extraction.text!r}"
    return location_at(extraction.segments, offset + len(value) - 1)


def assert_segments_sound(extraction: Extraction) -> None:
    assert extraction.text is not None
    starts = [segment.start for segment in extraction.segments]
    assert starts == sorted(starts)
    assert all(0 <= start <= len(extraction.text) for start in starts)


def test_pdf_pages(extractor: Extractor) -> None:
    pages = [f"Page {n} says nothing\nbut token PDFPAGE{n}X ends it" for n in range(1, 8)]
    result = extractor.extract(build.pdf(pages))
    assert result.detected_format == "pdf"
    assert result.extractor is not None and result.extractor.startswith("pypdfium2 ")
    for n in range(1, 8):
        assert locate(result, f"PDFPAGE{n}X") == f"page {n}"
    assert_segments_sound(result)


def test_pdf_text_keeps_word_boundaries(extractor: Extractor) -> None:
    result = extractor.extract(build.pdf(["alpha beta\ngamma (delta) \\ epsilon"]))
    assert result.text is not None
    assert result.text.split() == ["alpha", "beta", "gamma", "(delta)", "\\", "epsilon"]


def test_docx_body_pages_table_header_footer(extractor: Extractor) -> None:
    data = build.docx(
        ["first page DOCXP1", "second\tpage DOCXP2", "third page DOCXP3"],
        header="Confidential DOCXHEAD",
        footer="Footer DOCXFOOT",
        table=[["Name", "Key"], ["prod", "DOCXCELL"]],
    )
    result = extractor.extract(data)
    assert result.detected_format == "docx"
    assert locate(result, "DOCXP1") == "page 1"
    assert locate(result, "DOCXP2") == "page 2"
    assert locate(result, "DOCXP3") == "page 3"
    assert locate(result, "DOCXCELL") == "page 3"
    assert locate(result, "DOCXHEAD") == "header"
    assert locate(result, "DOCXFOOT") == "footer"
    assert result.text is not None and "second\tpage" in result.text
    assert_segments_sound(result)


def test_xlsx_cells_on_every_sheet(extractor: Extractor) -> None:
    data = build.xlsx(
        {
            "Budget": {"A1": "Item", "B1": 2026, "B7": "XLSXB7", "C2": 12.5},
            "Keys & Secrets": {"AA100": "XLSXAA100", "A1": "x"},
        }
    )
    result = extractor.extract(data)
    assert result.detected_format == "xlsx"
    assert locate(result, "XLSXB7") == "sheet Budget!B7"
    assert locate(result, "XLSXAA100") == "sheet Keys & Secrets!AA100"
    assert locate(result, "12.5") == "sheet Budget!C2"
    assert locate(result, "2026") == "sheet Budget!B1"
    assert_segments_sound(result)


def test_pptx_slides_and_speaker_notes(extractor: Extractor) -> None:
    data = build.pptx(
        ["Title\nPPTXS1", "Agenda PPTXS2", "End PPTXS3"],
        notes=[None, "say PPTXN2", None],
    )
    result = extractor.extract(data)
    assert result.detected_format == "pptx"
    assert locate(result, "PPTXS1") == "slide 1"
    assert locate(result, "PPTXS2") == "slide 2"
    assert locate(result, "PPTXN2") == "slide 2 notes"
    assert locate(result, "PPTXS3") == "slide 3"


def test_odf_text_sheets_and_slides(extractor: Extractor) -> None:
    text = extractor.extract(build.odt("Heading\nbody ODTPARA <&> end"))
    assert text.detected_format == "odt"
    assert text.text is not None and "body ODTPARA <&> end" in text.text
    sheet = extractor.extract(build.ods({"Q1": [["a", "b"], ["c", "ODSB2"]], "Q2": [["ODSA1"]]}))
    assert locate(sheet, "ODSB2") == "sheet Q1!B2"
    assert locate(sheet, "ODSA1") == "sheet Q2!A1"
    slides = extractor.extract(build.odp(["one", "two ODPS2"]))
    assert locate(slides, "ODPS2") == "slide 2"


def test_rtf_with_escapes_and_non_ascii(extractor: Extractor) -> None:
    result = extractor.extract(build.rtf("Grüße {braces} back\\slash RTFTOKEN\nemoji 🎉 here"))
    assert result.detected_format == "rtf"
    assert result.text is not None
    assert "Grüße {braces} back\\slash RTFTOKEN" in result.text
    assert "emoji 🎉 here" in result.text


def test_zip_text_members_and_nested_documents(extractor: Extractor) -> None:
    inner = build.zip_archive(
        {
            "b.docx": build.docx(["nothing", "DEEPDOCX on page two"]),
            "notes.txt": "NESTEDTXT",
        }
    )
    data = build.zip_archive(
        {
            "secrets/.env": "API_KEY=ZIPENV\n",
            "../../etc/passwd": "root:ZIPDOTDOT",
            "/abs/key.pem": "ZIPABS",
            "a.zip": inner,
            "photo.png": build.png(),
            "slides.pptx": build.pptx(["ZIPPPTX"]),
            "legacy.txt": "caf\xe9 ZIPLEGACY".encode("cp1252"),
        }
    )
    result = extractor.extract(data)
    assert result.detected_format == "zip"
    assert locate(result, "ZIPENV") == "member secrets/.env"
    assert locate(result, "ZIPDOTDOT") == "member ../../etc/passwd"
    assert locate(result, "ZIPABS") == "member /abs/key.pem"
    assert locate(result, "DEEPDOCX") == "member a.zip/b.docx > page 2"
    assert locate(result, "NESTEDTXT") == "member a.zip/notes.txt"
    assert locate(result, "ZIPPPTX") == "member slides.pptx > slide 1"
    assert locate(result, "ZIPLEGACY") == "member legacy.txt"
    assert result.text is not None and "café ZIPLEGACY" in result.text
    assert_segments_sound(result)


def test_zip_with_one_encrypted_member_still_gives_the_others(extractor: Extractor) -> None:
    encrypted = build.zip_encrypted_member()
    data = build.zip_archive({"locked.zip": encrypted, "open.txt": "OPENTEXT"})
    result = extractor.extract(data)
    assert locate(result, "OPENTEXT") == "member open.txt"


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (codecs.BOM_UTF8 + "héllo TEXTTOKEN".encode(), "utf-8"),
        ("héllo TEXTTOKEN".encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "héllo TEXTTOKEN".encode("utf-16-be"), "utf-16-be"),
        ("héllo TEXTTOKEN".encode("utf-32"), "utf-32-le"),
        ("héllo TEXTTOKEN".encode("cp1252"), "cp1252"),
        ("héllo TEXTTOKEN".encode(), "utf-8"),
    ],
)
def test_text_is_decoded_without_its_bom(extractor: Extractor, data: bytes, codec: str) -> None:
    result = extractor.extract(data)
    assert result == Extraction("héllo TEXTTOKEN", "text", codec, None, ())


def test_text_never_goes_through_the_worker() -> None:
    with Extractor() as fresh:
        fresh.extract(b"plain text, no worker needed")
        fresh.extract("utf-16 too".encode("utf-16"))
        assert fresh.sandbox._process is None


def test_location_at_picks_the_last_segment_at_or_before_the_offset() -> None:
    segments = (Segment(0, "page 1"), Segment(5, "page 2"), Segment(9, "page 3"))
    assert [location_at(segments, i) for i in (0, 4, 5, 8, 9, 100)] == [
        "page 1",
        "page 1",
        "page 2",
        "page 2",
        "page 3",
        "page 3",
    ]
    assert location_at((Segment(3, "x"),), 2) is None


def test_documents_embedded_in_an_office_file(extractor: Extractor) -> None:
    workbook = build.xlsx({"Sheet1": {"B2": "EMBEDXLSX"}})
    data = build.docx(
        ["report body"],
        embedded={
            "Microsoft_Excel_Worksheet.xlsx": workbook,
            "notes.txt": b"EMBEDTXT",
            "oleObject1.bin": build.ooxml_encrypted(),
        },
    )
    result = extractor.extract(data)
    assert locate(result, "report body") == "page 1"
    assert (
        locate(result, "EMBEDXLSX") == "embedded Microsoft_Excel_Worksheet.xlsx > sheet Sheet1!B2"
    )
    assert locate(result, "EMBEDTXT") == "embedded notes.txt"
    assert "zipfile+expat" in (result.extractor or "")


def with_members(data: bytes, members: dict[str, bytes | str]) -> bytes:
    """`data` (a ZIP package) with members added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info.filename, source.read(info))
        for name, content in members.items():
            target.writestr(name, content)
    return out.getvalue()


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def test_hyperlink_targets_and_comments(extractor: Extractor) -> None:
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId9" Type="{REL}" TargetMode="External" '
        'Target="https://files.example.com/a?sig=LINKTOKEN"/></Relationships>'
    )
    comments = (
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<commentList><comment ref="B2"><text><r><t>COMMENTTOKEN</t></r></text></comment>'
        "</commentList></comments>"
    )
    data = with_members(
        build.xlsx({"S": {"A1": "cell"}}),
        {"xl/worksheets/_rels/sheet1.xml.rels": rels, "xl/comments1.xml": comments},
    )
    result = extractor.extract(data)
    assert locate(result, "cell") == "sheet S!A1"
    assert locate(result, "COMMENTTOKEN") == "comments"
    assert locate(result, "sig=LINKTOKEN") == "links"


def test_odt_headers_and_footers(extractor: Extractor) -> None:
    styles = (
        '<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:master-styles>'
        '<style:master-page style:name="Standard"><style:header><text:p>ODTHEAD '
        "<text:span>x</text:span></text:p></style:header><style:footer-left><text:p>ODTFOOT"
        "</text:p></style:footer-left></style:master-page></office:master-styles>"
        "</office:document-styles>"
    )
    result = extractor.extract(with_members(build.odt("body ODTBODY"), {"styles.xml": styles}))
    assert locate(result, "ODTBODY") is None  # ODT body text has no page numbers to give
    assert locate(result, "ODTHEAD x") == "header"
    assert locate(result, "ODTFOOT") == "footer"
