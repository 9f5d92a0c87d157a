"""Text of PDF documents, page by page, with PDFium (through pypdfium2)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.version

from claude_compliance.documents.model import SkipReason
from claude_compliance.documents.output import Refused, TextBuilder

EXTRACTOR = f"pypdfium2 {pypdfium2.version.PYPDFIUM_INFO} (pdfium {pypdfium2.version.PDFIUM_INFO})"
# FPDF_GetLastError codes (fpdfview.h): a password is needed, or the security handler is unknown.
_FPDF_ERR_PASSWORD = 4
_FPDF_ERR_SECURITY = 5


def extract(data: bytes, out: TextBuilder) -> None:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code in (_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY):
            raise Refused(SkipReason.ENCRYPTED, "password-protected PDF") from None
        raise Refused(SkipReason.EXTRACTION_FAILED, f"unreadable PDF ({error})") from None
    try:
        pages = len(document)
        if pages == 0:  # a valid PDF has a page; none means a broken (e.g. cyclic) page tree
            raise Refused(SkipReason.EXTRACTION_FAILED, "no pages")
        for index in range(pages):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n")
            textpage.close()
            page.close()
            out.add(text if text.endswith("\n") else text + "\n", f"page {index + 1}")
    finally:
        document.close()
