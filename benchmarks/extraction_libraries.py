"""Compare document text extractors on speed, accuracy and install weight (how the libraries of
`claude_compliance.documents` were chosen).

Each format gets a corpus built by `compliance_simulator.documents` with a unique token
planted in every place a sensitive value hides: each PDF page; DOCX body pages, a table, the
header and the footer; XLSX string cells on three sheets among numbers; PPTX slides and their
speaker notes; ODT paragraphs; RTF paragraphs. Accuracy is the share of tokens found as whole
words (so a token glued to its neighbour counts as missed). Speed is in process, one thread.
Weight is the installed size of the distribution and every dependency it pulls in.

The candidates are not project dependencies: run this in a scratch venv that has them, e.g.
    uv venv /tmp/xbench && uv pip install --python /tmp/xbench/bin/python pypdfium2 pypdf \\
        python-docx openpyxl python-pptx odfpy striprtf 'markitdown[docx,xlsx,pptx,pdf]' kreuzberg
    PYTHONPATH=plugins /tmp/xbench/bin/python benchmarks/extraction_libraries.py
A candidate that is not installed is reported as such.

Measured 2026-12-05 on the 2-core dev machine (shared with other jobs), Python 3.11; 12
documents per format (PDFs of 1, 10 and 50 pages; DOCX of 5 pages with header, footer and
table; XLSX of 3 sheets x 200 cells; PPTX of 10 slides with notes; ODT and RTF of 30
paragraphs):

  format  extractor                ms/doc   found  install weight (MB, with deps)
  pdf     pypdfium2 5.15.2            8.3  100.0 %    8.9   <- chosen
  pdf     pypdf 7.1.0                41.2  100.0 %    2.0
  pdf     pdfminer.six 20260107     272.1  100.0 %   25.4
  pdf     kreuzberg 4.10.4           14.6  100.0 %  102.3
  pdf     markitdown 0.1.9          741.2  100.0 %  176.3
  docx    stdlib zipfile+expat        1.2  100.0 %    0     <- chosen
  docx    python-docx 1.2.0           4.5  100.0 %   13.5
  docx    kreuzberg                   0.6   75.0 %  102.3   (headers and footers missed)
  docx    markitdown (mammoth)     failed: "Could not find the body element"
  xlsx    stdlib zipfile+expat        8.5  100.0 %    0     <- chosen
  xlsx    openpyxl 3.1.5 read-only   13.6  100.0 %    0.9
  xlsx    kreuzberg                   0.9  100.0 %  102.3
  xlsx    markitdown (pandas)       216.5  100.0 %  176.3
  pptx    stdlib zipfile+expat        2.2  100.0 %    0     <- chosen
  pptx    python-pptx 1.0.2           3.6  100.0 %   34.5
  pptx    kreuzberg                   0.4  100.0 %  102.3
  pptx    markitdown               failed: "Shape instance of unrecognized shape type"
  odt     stdlib zipfile+expat        1.3  100.0 %    0     <- chosen
  odt     odfpy 1.4.1                 2.7  100.0 %    0.7
  odt     kreuzberg                   0.2  100.0 %  102.3
  rtf     striprtf 0.0.35             4.6  100.0 %    0.02  <- chosen
  rtf     kreuzberg                   2.1  100.0 %  102.3
  rtf     markitdown                113.3  100.0 %  176.3
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _builders():  # type: ignore[no-untyped-def]
    # Loaded by path: the simulator package imports the HTTP stack, which a scratch venv lacks.
    path = ROOT / "compliance_simulator/documents.py"
    spec = importlib.util.spec_from_file_location("sim_documents", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


d = _builders()
WORDS = "the budget review for next quarter covers staffing travel and vendor contracts".split()


def filler(n: int, seed: int) -> str:
    """`n` words, a line break every 12 (so PDF lines stay on the page)."""
    words = [WORDS[(seed + i * 7) % len(WORDS)] for i in range(n)]
    return "\n".join(" ".join(words[i : i + 12]) for i in range(0, n, 12))


def corpus() -> dict[str, list[tuple[bytes, list[str]]]]:
    docs: dict[str, list[tuple[bytes, list[str]]]] = {
        k: [] for k in ("pdf", "docx", "xlsx", "pptx", "odt", "rtf")
    }
    for n in range(12):
        pages = (1, 10, 50)[n % 3]
        toks = [f"PLANTpdf{n}x{p}" for p in range(pages)]
        docs["pdf"].append(
            (d.pdf([f"{filler(40, p)} {t} {filler(40, p + 1)}" for p, t in enumerate(toks)]), toks)
        )
        body = [f"pdocx{n}x{p}" for p in range(5)]
        head, foot, cell = f"hdocx{n}", f"fdocx{n}", f"tdocx{n}"
        docs["docx"].append(
            (
                d.docx(
                    [f"{filler(60, p)} {t}\n{filler(30, p)}" for p, t in enumerate(body)],
                    header=f"Confidential {head}",
                    footer=f"page {foot}",
                    table=[["name", "value"], ["key", cell]],
                ),
                [*body, head, foot, cell],
            )
        )
        sheets = {}
        toks = []
        for s in range(3):
            cells: dict[str, str | int | float] = {
                f"{c}{r}": r * 10 + s for c in "ABCDE" for r in range(1, 41)
            }
            for r in (3, 17, 33):
                tok = f"cxlsx{n}s{s}r{r}"
                cells[f"C{r}"] = tok
                toks.append(tok)
            sheets[f"Sheet {s}"] = cells
        docs["xlsx"].append((d.xlsx(sheets), toks))
        slides = [f"sppt{n}x{i}" for i in range(10)]
        notes = [f"npptx{n}x{i}" for i in range(10)]
        docs["pptx"].append(
            (
                d.pptx(
                    [f"Title {i}\n{filler(20, i)} {t}" for i, t in enumerate(slides)],
                    notes=[f"say {t}" for t in notes],
                ),
                slides + notes,
            )
        )
        toks = [f"podt{n}x{i}" for i in range(30)]
        docs["odt"].append(
            (d.odt("\n".join(f"{filler(30, i)} {t}" for i, t in enumerate(toks))), toks)
        )
        toks = [f"prtf{n}x{i}" for i in range(30)]
        docs["rtf"].append(
            (d.rtf("\n".join(f"{filler(30, i)} {t}" for i, t in enumerate(toks))), toks)
        )
    return docs


# --- candidates -------------------------------------------------------------------------


def ours(fmt: str) -> Callable[[bytes], str]:
    sys.path.insert(0, str(ROOT / "plugins"))
    from claude_compliance.documents.formats import DocumentFormat
    from claude_compliance.documents.model import Limits
    from claude_compliance.documents.parsers import parse

    def run(data: bytes) -> str:
        return parse(data, DocumentFormat(fmt), Limits()).text or ""

    return run


def pypdf_text(data: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return str(extract_text(io.BytesIO(data)))


def python_docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [
            p.text for p in section.footer.paragraphs
        ]
    return "\n".join(parts)


def openpyxl_text(data: bytes) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def python_pptx_text(data: bytes) -> str:
    import pptx

    presentation = pptx.Presentation(io.BytesIO(data))
    parts = []
    for slide in presentation.slides:
        parts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def odfpy_text(data: bytes) -> str:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    return "\n".join(teletype.extractText(p) for p in document.getElementsByType(text.P))


def striprtf_text(data: bytes) -> str:
    from striprtf.striprtf import rtf_to_text

    return str(rtf_to_text(data.decode("latin-1")))


MIMES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
}


def kreuzberg_for(fmt: str) -> Callable[[bytes], str]:
    def run(data: bytes) -> str:
        import kreuzberg

        return str(kreuzberg.extract_bytes_sync(data, MIMES[fmt]).content)

    return run


def markitdown_for(fmt: str) -> Callable[[bytes], str]:
    def run(data: bytes) -> str:
        import markitdown

        return str(
            markitdown.MarkItDown()
            .convert_stream(io.BytesIO(data), file_extension="." + fmt)
            .text_content
        )

    return run


CANDIDATES: dict[str, list[tuple[str, str, Callable[[bytes], str]]]] = {
    "pdf": [
        ("pypdfium2", "pypdfium2", pdfium_text),
        ("pypdf", "pypdf", pypdf_text),
        ("pdfminer.six", "pdfminer.six", pdfminer_text),
    ],
    "docx": [
        ("ours (zipfile+expat)", "", ours("docx")),
        ("python-docx", "python-docx", python_docx_text),
    ],
    "xlsx": [
        ("ours (zipfile+expat)", "", ours("xlsx")),
        ("openpyxl read-only", "openpyxl", openpyxl_text),
    ],
    "pptx": [
        ("ours (zipfile+expat)", "", ours("pptx")),
        ("python-pptx", "python-pptx", python_pptx_text),
    ],
    "odt": [("ours (zipfile+expat)", "", ours("odt")), ("odfpy", "odfpy", odfpy_text)],
    "rtf": [("striprtf", "striprtf", striprtf_text)],
}
for _fmt in CANDIDATES:
    CANDIDATES[_fmt].append(("kreuzberg", "kreuzberg", kreuzberg_for(_fmt)))
    if _fmt != "odt":
        CANDIDATES[_fmt].append(("markitdown", "markitdown", markitdown_for(_fmt)))


def weight_mb(dist_name: str) -> float:
    """Installed size of a distribution and its (installed) requirement closure."""
    seen: set[str] = set()
    total = 0
    todo = [dist_name]
    while todo:
        name = re.split(r"[ ;<>=!\[(~]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if not name or name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        total += sum((f.size or 0) for f in dist.files or ())
        todo += [r for r in dist.requires or () if "extra ==" not in r]
    return total / 1e6


def main() -> None:
    docs = corpus()
    print(f"{'format':6}  {'extractor':24} {'ms/doc':>8} {'found':>7}  weight MB")
    for fmt, candidates in CANDIDATES.items():
        for label, dist, run in candidates:
            try:
                run(docs[fmt][0][0])  # warm up imports
            except ImportError:
                print(f"{fmt:6}  {label:24} not installed")
                continue
            except Exception as error:  # a candidate that fails is reported
                print(f"{fmt:6}  {label:24} failed: {type(error).__name__}: {error}"[:120])
                continue
            found = planted = 0
            start = time.perf_counter()
            texts = [run(data) for data, _ in docs[fmt]]
            elapsed = time.perf_counter() - start
            for text, (_, tokens) in zip(texts, docs[fmt], strict=True):
                planted += len(tokens)
                found += sum(
                    1 for t in tokens if re.search(rf"(?<![A-Za-z0-9]){t}(?![A-Za-z0-9])", text)
                )
            weight = f"{weight_mb(dist):.1f}" if dist else "0 (stdlib)"
            print(
                f"{fmt:6}  {label:24} {elapsed / len(texts) * 1000:8.1f}"
                f" {found / planted:7.1%}  {weight}"
            )


if __name__ == "__main__":
    main()
