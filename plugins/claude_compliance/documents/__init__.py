"""Documents by their bytes: detect the format, extract the text in a sandboxed worker, and
say where in the document each part of the text came from.

    extract(data) -> Extraction(text, detected_format, extractor, skipped_reason, segments)

Plain text is decoded in process. PDF, OOXML, ODF, RTF and ZIP are parsed in a persistent
child process under a wall-time and an address-space limit (`sandbox`), within a budget of
inflated bytes, member count and nesting depth (`archive`).

Why these extractors: measured by benchmarks/extraction_libraries.py (its docstring holds the
table: ms per document, share of planted tokens found, install weight, per candidate).

PDF: PDFium is 5x faster than pypdf and 30x faster than pdfminer at equal recall, for 9 MB.
OOXML and ODF: their text is a few XML elements per part; reading them with zipfile and expat
is faster than python-docx, openpyxl, python-pptx and odfpy, finds the same text (headers,
footers, tables, notes), costs no dependency, and, unlike those libraries, streams every part
through the byte budget, so a part that inflates to gigabytes is refused, not loaded. kreuzberg
is the fastest on Office files, but weighs 102 MB, missed DOCX headers and footers and gives no
cell or slide locations; markitdown is slow, heavy, and failed on two of our valid files.
RTF: striprtf is pure Python and 20 kB; kreuzberg's 2x is not worth 100 MB.
"""

from __future__ import annotations

from claude_compliance.documents.extract import Extractor, extract, shutdown
from claude_compliance.documents.formats import DocumentFormat, detect_format
from claude_compliance.documents.model import (
    Extraction,
    Limits,
    Segment,
    SkipReason,
    location_at,
)

__all__ = [
    "DocumentFormat",
    "Extraction",
    "Extractor",
    "Limits",
    "Segment",
    "SkipReason",
    "detect_format",
    "extract",
    "location_at",
    "shutdown",
]
