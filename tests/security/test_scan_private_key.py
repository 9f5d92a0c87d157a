"""Private key blocks are found whatever their wrapping, and no line of their body is shown.

Issue 13, class 1: a truncated block was covered only to its first base64 line; quoted blocks,
blocks whose END label differs, and truncated blocks followed by any END line were not found.
"""

from __future__ import annotations

import base64
import random

import pytest

from scanners import Category, Engine, load_engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine(secret=b"test-installation-secret")


def _body_lines(seed: int, count: int = 12, width: int = 64) -> list[str]:
    blob = base64.b64encode(random.Random(seed).randbytes(count * width)).decode()
    return [blob[i : i + width] for i in range(0, count * width, width)]


LINES = _body_lines(1)
OPENSSH = _body_lines(2, width=70)


def _pem(label: str, lines: list[str], end_label: str | None = None, sep: str = "\n") -> str:
    block = f"-----BEGIN {label}-----{sep}" + sep.join(lines)
    if end_label is not None:
        block += f"{sep}-----END {end_label}-----"
    return block


def _quoted(block: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in block.split("\n"))


def _putty(version: int, with_mac: bool) -> str:
    text = (
        f"PuTTY-User-Key-File-{version}: ssh-rsa\nEncryption: none\nComment: rsa-key-2024\n"
        f"Public-Lines: 2\n{LINES[0]}\n{LINES[1]}\n"
    )
    if version == 3:
        text += "Key-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Salt: 0a1b2c3d\n"
    text += "Private-Lines: 6\n" + "\n".join(LINES[2:8]) + "\n"
    if with_mac:
        text += "Private-MAC: 5f1e3a9b2c4d6e8f0a1b2c3d4e5f60718293a4b5"
    return text


CASES = {
    "truncated": "key below\n" + _pem("RSA PRIVATE KEY", LINES) + "\n",
    "truncated-crlf": _pem("PRIVATE KEY", LINES, sep="\r\n") + "\r\n",
    "truncated-then-prose": _pem("EC PRIVATE KEY", LINES) + "\n\nthanks, that is all",
    "truncated-then-unrelated-end": _pem("RSA PRIVATE KEY", LINES)
    + "\n\nlater in the chat:\n"
    + "x" * 5_000
    + "\n-----END RSA PRIVATE KEY-----",
    "truncated-then-unrelated-end-far": _pem("PRIVATE KEY", LINES)
    + "\nok\n"
    + "words " * 3_000
    + "-----END CERTIFICATE-----",
    "end-label-differs": _pem("RSA PRIVATE KEY", LINES, "EC PRIVATE KEY"),
    "end-label-generic": _pem("ENCRYPTED PRIVATE KEY", LINES, "PRIVATE KEY"),
    "mail-quoted": "On Monday you wrote:\n"
    + _quoted(_pem("RSA PRIVATE KEY", LINES, "RSA PRIVATE KEY"), "> "),
    "mail-quoted-twice": _quoted(_pem("PRIVATE KEY", LINES, "PRIVATE KEY"), "> > "),
    "mail-quoted-truncated": _quoted(_pem("RSA PRIVATE KEY", LINES), ">") + "\n\nok?",
    "shell-comment": _quoted(_pem("OPENSSH PRIVATE KEY", OPENSSH, "OPENSSH PRIVATE KEY"), "# "),
    "c-comment": _quoted(_pem("RSA PRIVATE KEY", LINES, "RSA PRIVATE KEY"), "// "),
    "sql-comment-truncated": _quoted(_pem("RSA PRIVATE KEY", LINES), "-- "),
    "indented-yaml": "tls:\n  key: |\n"
    + _quoted(_pem("EC PRIVATE KEY", LINES, "EC PRIVATE KEY"), "    "),
    "tab-indented-truncated": _quoted(_pem("PRIVATE KEY", LINES), "\t\t"),
    "openssh": _pem("OPENSSH PRIVATE KEY", OPENSSH, "OPENSSH PRIVATE KEY"),
    "openssh-truncated": _pem("OPENSSH PRIVATE KEY", OPENSSH[:5]),
    "pgp": "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\nComment: x\n\n"
    + "\n".join(LINES)
    + "\n=twTO\n-----END PGP PRIVATE KEY BLOCK-----",
    "pgp-truncated": "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(LINES[:6]),
    "putty-v2": _putty(2, with_mac=True),
    "putty-v3": _putty(3, with_mac=True),
    "putty-truncated": _putty(2, with_mac=False) + "\nrest of the message",
    "json-escaped": '{"private_key": "'
    + _pem("RSA PRIVATE KEY", LINES, "RSA PRIVATE KEY", "\\n")
    + '"}',
    "json-escaped-truncated": '{"private_key": "'
    + _pem("PRIVATE KEY", LINES, sep="\\n")
    + '", "x": 1}',
    "json-escaped-crlf": '{"k": "'
    + _pem("RSA PRIVATE KEY", LINES, "RSA PRIVATE KEY", "\\r\\n")
    + '"}',
    "json-in-json": '{"body": "{\\"key\\": \\"'
    + _pem("PRIVATE KEY", LINES, sep="\\\\n")
    + '\\"}"}',
    "space-joined": "KEY=" + _pem("RSA PRIVATE KEY", LINES, "RSA PRIVATE KEY", " ") + " done",
    "one-long-line-truncated": _pem("PRIVATE KEY", ["".join(LINES)]),
    "dek-info": "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
    "ABCDEF0123456789\n\n" + "\n".join(LINES),
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_key_is_found_and_no_body_line_is_shown(engine: Engine, text: str) -> None:
    findings = [f for f in engine.scan(text) if f.category == Category.PRIVATE_KEY]
    assert len(findings) == 1, findings
    redacted = engine.redact(text)
    for line in [*LINES, *OPENSSH]:
        for piece in (line[:16], line[24:40], line[-16:]):
            if piece in text:
                assert piece not in redacted, (piece, redacted[:400])
            assert piece not in findings[0].redacted


def test_truncated_block_is_covered_to_its_last_base64_character(engine: Engine) -> None:
    text = "see: " + _pem("RSA PRIVATE KEY", LINES) + "\n\nthanks"
    (finding,) = [f for f in engine.scan(text) if f.category == Category.PRIVATE_KEY]
    assert text[finding.start :].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert text[: finding.end].endswith(LINES[-1])


def test_quoted_and_unquoted_copies_of_one_key_share_a_fingerprint(engine: Engine) -> None:
    block = _pem("RSA PRIVATE KEY", LINES, "RSA PRIVATE KEY")
    variants = [
        block,
        _quoted(block, "> "),
        block.replace("\n", "\\n"),
        block.replace("\n", "\r\n"),
        _quoted(block, "    "),
    ]
    fingerprints = {
        f.fingerprint
        for text in variants
        for f in engine.scan(text)
        if f.category == Category.PRIVATE_KEY
    }
    assert len(fingerprints) == 1


@pytest.mark.parametrize(
    "text",
    [
        _pem("PUBLIC KEY", LINES, "PUBLIC KEY"),
        _pem("CERTIFICATE", LINES, "CERTIFICATE"),
        "paste it between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY----- please",
        _pem("PRIVATE KEY", ["A" * 64, "B" * 64]),
        _pem("RSA PRIVATE KEY", ["<paste the key here>"], "RSA PRIVATE KEY"),
        "-----BEGIN RSA PRIVATE KEY-----\nthe quick brown fox jumps over the lazy dog again\n",
    ],
)
def test_no_key_no_finding(engine: Engine, text: str) -> None:
    assert not [f for f in engine.scan(text) if f.category == Category.PRIVATE_KEY]
