"""Brazilian individual taxpayer numbers (CPF): formatted anywhere, bare digits beside CPF."""

from __future__ import annotations

from scanners.detectors.base import Pattern
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# Receita Federal: 9 digits and two mod-11 check digits, printed ddd.ddd.ddd-dd.
_FORMATTED = r"\b(?P<value>\d{3}\.\d{3}\.\d{3}-\d{2})\b"
# the same 11 digits unformatted (only beside a CPF word).
_BARE = r"\b(?P<value>\d{11})\b"

DETECTOR = identifier_detector(
    id="br-cpf",
    category=Category.NATIONAL_ID,
    description="Brazilian taxpayer number (CPF): formatted anywhere, bare digits beside CPF",
    patterns=(
        Pattern(name="formatted", regex=_FORMATTED, confidence=0.85),
        Pattern(name="bare", regex=_BARE, confidence=0.7, requires_context=True),
    ),
    context=(
        "cpf",
        "cadastro de pessoas físicas",
        "cadastro de pessoa física",
        "receita federal",
        "contribuinte",
    ),
    validator=stdnum_validator("stdnum.br.cpf"),
    true_positives=(
        "CPF: 211.474.889-83",
        "meu CPF é 75069667947",
        "Cliente informou o CPF 586.190.296-81",
    ),
    false_positives=("CPF: 000.000.000-00", "CPF: 211.474.889-84", "pedido 21147488983"),
)
