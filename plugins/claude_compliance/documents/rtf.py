"""Text of RTF documents, with striprtf."""

from __future__ import annotations

from importlib.metadata import version

from striprtf.striprtf import rtf_to_text

from claude_compliance.documents.output import TextBuilder

EXTRACTOR = f"striprtf {version('striprtf')}"


def extract(data: bytes, out: TextBuilder) -> None:
    # RTF is 7-bit; its own escapes carry the other characters. Latin-1 maps every byte.
    text: str = rtf_to_text(  # type: ignore[no-untyped-call]
        data.decode("latin-1"), encoding="cp1252", errors="replace"
    )
    # `\uN` escapes are UTF-16 units: join the surrogate pairs they leave (lone halves
    # become U+FFFD here, before offsets are taken).
    out.add(text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace"))
