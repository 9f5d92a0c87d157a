"""US bank routing (ABA) numbers and account numbers, only where a label says what they are."""

from __future__ import annotations

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.detectors.common import touches_digit_run
from scanners.detectors.identifier import identifier_detector, stdnum_validator
from scanners.model import Category

# ABA routing transit number: nine digits with the 3-7-1 weighted mod-10 check (ABA Key to
# Routing Numbers), only beside a routing word.
_ROUTING = r"\b(?P<value>\d{9})\b"
# An account number has no checksum: it counts only right after its label (account number,
# acct, a/c, account #, Kontonummer, numéro de compte, número de cuenta), 4-17 digits (the
# NACHA DFI account number field is 17 characters).
_ACCOUNT = (
    r"(?i:\b(?:(?:bank |checking |savings |deposit )?account(?: number| no\.?| num| #|#)?"
    r"|acct(?: no\.?| #|#)?|a/c(?: no\.?)?|kontonummer|konto-nr\.?|numéro de compte"
    r"|número de cuenta|n° de compte))"
    r"[ \t]*(?::|#|=|-|is)?[ \t]*(?P<value>\d{4,17})\b"
)
_IS_ROUTING = stdnum_validator("stdnum.us.rtn")
# Words that make a labelled number a bank account rather than a customer or loyalty account.
_BANK_WORDS = (
    "routing",
    "aba",
    "rtn",
    "bank",
    "banking",
    "checking",
    "savings",
    "deposit",
    "direct deposit",
    "wire",
    "ach",
    "iban",
    "swift",
    "bic",
    "sort code",
    "bsb",
    "transit",
    "bankleitzahl",
    "blz",
    "banque",
    "banco",
)


def _check(candidate: Candidate) -> float | None:
    if not candidate.has_context:
        return None
    value = candidate.value
    if touches_digit_run(candidate.text, candidate.start, candidate.end, "-./"):
        return None
    if len(set(value)) == 1:
        return None
    if candidate.pattern.name == "routing" and not _IS_ROUTING(value):
        return None
    return candidate.pattern.confidence


DETECTOR: Detector = identifier_detector(
    id="us-bank-account",
    category=Category.BANK_ACCOUNT,
    description="US bank routing (ABA) number or labelled bank account number",
    patterns=(
        Pattern(name="routing", regex=_ROUTING, confidence=0.8, requires_context=True),
        Pattern(name="account", regex=_ACCOUNT, confidence=0.75, requires_context=True),
    ),
    context=_BANK_WORDS,
    validator=_IS_ROUTING,
    check=_check,
    true_positives=(
        "routing number 038617672, account number 8055045426",
        "ABA: 113397008\nAccount #: 664879917768\nAccount type: checking",
        "direct deposit: routing 126021109 acct 103171155",
        "UK sort code 20-45-77, account number 70233778",
    ),
    false_positives=(
        "routing number 038617673 is wrong",
        "account number: ********1234 (bank)",
        "the account has 1847513 followers",
        "loyalty account number 88120045",
        "route 038617672 to the queue",
    ),
)
