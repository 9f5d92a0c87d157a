"""Private key blocks: PEM (PKCS#1/#8, EC, OpenSSH, PGP), JSON-escaped PEM, PuTTY key files."""

from __future__ import annotations

import re

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.masking import ELLIPSIS
from scanners.model import Category

# RFC 7468 PEM armor; label ends in PRIVATE KEY (or PGP's PRIVATE KEY BLOCK). The body may
# carry RFC 1421 headers (Proc-Type, DEK-Info) and JSON-escaped newlines (\n as 2 chars).
_LABEL = r"[A-Z0-9]+(?: [A-Z0-9]+)* ?PRIVATE KEY(?: BLOCK)?|PRIVATE KEY"
_BODY_CHAR = r"(?:[A-Za-z0-9+/=:,\- \t\r\n]|\\[nrt])"
_PEM = (
    r"(?P<value>-----BEGIN (?P<label>" + _LABEL + r")-----"
    r"(?P<body>" + _BODY_CHAR + r"*?)"
    r"-----END (?P<endlabel>" + _LABEL + r")-----)"
)
# A BEGIN line followed by at least 64 base64 characters but no END (pasted, cut short).
_PEM_TRUNCATED = (
    r"(?P<value>-----BEGIN (?P<label>" + _LABEL + r")-----"
    r"(?P<body>(?:[ \t\r\n]|\\[nrt])*[A-Za-z0-9+/=]{64}[A-Za-z0-9+/=]*))"
)
# PuTTY private key file (PPK v2/v3): header line to the Private-MAC line.
_PUTTY = (
    r"(?P<value>PuTTY-User-Key-File-[23]: [A-Za-z0-9@.\-]+"
    r"(?:[^\n\\]|\n|\\[nrt])*?Private-Lines: \d+(?P<body>(?:[^\n\\]|\n|\\[nrt])*?)"
    r"Private-(?:MAC|Hash): [0-9a-fA-F]{16,})"
)

_NOT_BASE64 = re.compile(r"\\[nrt]|[A-Za-z-]+: [^\n\\]*|[^A-Za-z0-9+/=]")


def _base64_body(body: str) -> str:
    return _NOT_BASE64.sub("", body)


def _check(candidate: Candidate) -> float | None:
    groups = candidate.groups
    name = candidate.pattern.name
    if name == "pem" and groups.get("label") != groups.get("endlabel"):
        return None
    # A block that does end is judged by the "pem" pattern, labels included.
    if (
        name == "pem-truncated"
        and "-----END " in candidate.text[candidate.end : candidate.end + 20_000]
    ):
        return None
    body = _base64_body(groups.get("body") or "")
    if len(body) < 64 or len(set(body)) < 16:
        return None
    return candidate.pattern.confidence


def _normalize(value: str) -> str:
    """The key material only: armor, headers, whitespace and JSON escapes removed."""
    match = re.search(r"-----BEGIN [^-]*-----(.*?)(?:-----END|$)", value, re.DOTALL)
    if match:
        return _base64_body(match.group(1))
    lines = value.replace("\\n", "\n").split("\n")
    return "".join(line for line in lines if ":" not in line)


def _mask(value: str) -> str:
    first_line = value.replace("\\n", "\n").split("\n", 1)[0]
    if first_line.startswith("-----BEGIN"):
        end = first_line.find("-----", 5)
        first_line = first_line[: end + 5] if end > 0 else first_line
    return f"{first_line}{ELLIPSIS}[{len(value)} chars]"


_BODY = (
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n"
)
_RSA = f"-----BEGIN RSA PRIVATE KEY-----\n{_BODY}-----END RSA PRIVATE KEY-----"

DETECTOR = Detector(
    id="private-key",
    category=Category.PRIVATE_KEY,
    description="Private key block (PEM, OpenSSH, PGP, PuTTY), also JSON-escaped",
    patterns=(
        Pattern(name="pem", regex=_PEM, confidence=0.97),
        Pattern(name="pem-truncated", regex=_PEM_TRUNCATED, confidence=0.85),
        Pattern(name="putty", regex=_PUTTY, confidence=0.95),
    ),
    context=("key", "private", "ssh", "pem", "id_rsa", "certificate"),
    check=_check,
    normalize=_normalize,
    mask=_mask,
    priority=5,
    true_positives=(
        f"here is my key:\n{_RSA}\nthanks",
        '{"private_key": "' + _RSA.replace("\n", "\\n") + '"}',
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + _BODY + "-----END OPENSSH PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n" + _BODY + "-----END PRIVATE KEY-----",
        "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
        "ABCDEF0123456789\n\n" + _BODY + "-----END EC PRIVATE KEY-----",
        "pasted (cut off): -----BEGIN RSA PRIVATE KEY-----\n" + _BODY,
        "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: rsa-key-20240101\n"
        "Public-Lines: 2\nAAAAB3NzaC1yc2EAAAABJQAAAQEAhZ7\nxyz\nPrivate-Lines: 3\n"
        + _BODY
        + "Private-MAC: 5f1e3a9b2c4d6e8f0a1b2c3d4e5f60718293a4b5",
    ),
    false_positives=(
        "-----BEGIN PUBLIC KEY-----\n" + _BODY + "-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\n" + _BODY + "-----END CERTIFICATE-----",
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n" + _BODY + "-----END EC PRIVATE KEY-----",
        "paste your key between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n" + "A" * 70 + "\n-----END PRIVATE KEY-----",
    ),
)
