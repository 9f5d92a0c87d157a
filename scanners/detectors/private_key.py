"""Private key blocks: PEM (PKCS#1/#8, EC, OpenSSH, PGP), JSON-escaped PEM, PuTTY key files.

The patterns match only the header line (RFC 7468 `-----BEGIN … PRIVATE KEY-----`, RFC 4880
`-----BEGIN PGP PRIVATE KEY BLOCK-----`, PuTTY's `PuTTY-User-Key-File-N:`); the check then
walks the body line by line, in one linear pass, and widens the span to its end:

- through RFC 1421 / RFC 4880 / PuTTY header lines (`Proc-Type:`, `Version:`, `Comment:`),
  blank lines and every base64 line, to the END line whatever its label, or, when the block
  was cut short, to the last base64 character (so no line of a truncated key is shown);
- lines joined by real newlines, JSON / YAML `\\n` escapes (also double-escaped), or spaces;
- lines quoted the way the header line is (`> `, `# `, `// `, `-- `, indentation).

An END line further down that does not close this body does not make the block "complete":
only the line right after the body counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.masking import ELLIPSIS
from scanners.model import Category

# RFC 7468 armor whose label ends in PRIVATE KEY (RFC 4880: PGP PRIVATE KEY BLOCK); the
# SSH.com / RFC 4716-style "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----" too.
_LABEL = r"(?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?"
_PEM = r"(?P<value>-{4,5} ?BEGIN (?P<label>" + _LABEL + r") ?-{4,5})"
# PuTTY private key file (PPK v2/v3) header line: "PuTTY-User-Key-File-3: ssh-ed25519".
_PUTTY = r"(?P<value>PuTTY-User-Key-File-[23]: [A-Za-z0-9@.\-]{1,64})"

# Characters that quote a pasted block line by line (mail, shell / YAML / C / SQL comments).
_QUOTE_CHARS = frozenset(" \t>#/*;|!%-")
# RFC 4648 base64 alphabet; only ever run on windows of _WINDOW characters (linear, bounded).
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]*")
_WINDOW = 4096
# A space inside a body line only joins base64 lines (newlines turned into spaces) after a
# line this long; a line cut short by other characters counts when it is this long.
_JOINED_LINE = 40
_PARTIAL_LINE = 16
_MAX_HEADER_KEY = 40
_MAX_HEADER_LINE = 1024
_MAX_LABEL = 80
_MAX_QUOTE = 16
# The header lines of a PPK v2 / v3 file (PuTTY's sshpubk.c).
_PUTTY_HEADERS = (
    "Encryption",
    "Comment",
    "Public-Lines",
    "Private-Lines",
    "Private-MAC",
    "Private-Hash",
    "Key-Derivation",
    "Argon2-",
)
# Backslashes before an escaped n / r / t: JSON in JSON doubles them.
_MAX_ESCAPE = 4


@dataclass(frozen=True, slots=True)
class _Block:
    end: int
    body: str
    private_body: str
    has_end: bool


def _base64_run(text: str, start: int) -> int:
    """The end of the run of base64 characters from `start`."""
    position, length = start, len(text)
    while position < length:
        window_end = min(length, position + _WINDOW)
        match = _BASE64_RUN.match(text, position, window_end)
        end = match.end() if match else position
        if end < window_end:
            return end
        position = end
    return position


def _quote_of(prefix: str) -> str:
    """The quote marker a line prefix carries ("> > " gives ">>"), "" when it is not one."""
    if len(prefix) > _MAX_QUOTE or not set(prefix) <= _QUOTE_CHARS:
        return ""
    return "".join(ch for ch in prefix if ch not in " \t")


def _line_break(text: str, position: int) -> int:
    """The length of the line break at `position`: a newline or a `\\n` escape, else 0."""
    char = text[position] if position < len(text) else ""
    if char == "\n":
        return 1
    if char != "\\":
        return 0
    slashes = 1
    while slashes < _MAX_ESCAPE and text.startswith("\\", position + slashes):
        slashes += 1
    return slashes + 1 if text.startswith("n", position + slashes) else 0


def _skip_blank(text: str, position: int) -> int:
    """Past spaces, tabs, carriage returns and their `\\r` / `\\t` escapes."""
    length = len(text)
    while position < length:
        char = text[position]
        if char in " \t\r":
            position += 1
            continue
        if char != "\\":
            break
        slashes = 1
        while slashes < _MAX_ESCAPE and text.startswith("\\", position + slashes):
            slashes += 1
        if position + slashes < length and text[position + slashes] in "rt":
            position += slashes + 1
            continue
        break
    return position


def _skip_quote(text: str, position: int, quote: str) -> int:
    """Past the quote marker of a line; -1 when the line is not quoted the same way."""
    for marker in quote:
        position = _skip_blank(text, position)
        if position >= len(text) or _line_break(text, position):
            return position
        if text[position] != marker:
            return -1
        position += 1
    return position


def _header_end(text: str, position: int) -> int:
    """The end of an RFC 1421 / RFC 4880 / PuTTY `Name: value` line at `position`, else -1."""
    colon = text.find(":", position, position + _MAX_HEADER_KEY + 1)
    if colon <= position or not text[position].isalpha():
        return -1
    if not all(ch.isalnum() or ch == "-" for ch in text[position:colon]):
        return -1
    stop = min(len(text), colon + _MAX_HEADER_LINE)
    newline = text.find("\n", colon, stop)
    escaped = text.find("\\n", colon, newline if newline >= 0 else stop)
    ends = [end for end in (newline, escaped) if end >= 0]
    if not ends:
        return len(text) if stop == len(text) else -1
    end = min(ends)
    while end > colon and text[end - 1] in "\\\r":
        end -= 1
    return end


def _end_line(text: str, position: int) -> int:
    """The end of an END armor line at `position` ("-----END … -----"), else -1."""
    if not text.startswith("----", position) or "END " not in text[position : position + 12]:
        return -1
    label = text.find("END ", position) + 4
    close = text.find("----", label, label + _MAX_LABEL)
    if close < 0:
        return -1
    end = close + 4
    if end < len(text) and text[end] == "-":
        end += 1
    return end


def _walk(text: str, position: int, quote: str, *, putty: bool) -> _Block:
    """The body of a key block whose header ends at `position`.

    Linear in what it consumes: every step either advances over the body or stops, and
    no step looks further ahead than a bounded window.
    """
    body: list[str] = []
    private: list[str] = []
    end = position
    in_private = seen_body = line_has_content = at_line_start = False
    length = len(text)
    while position < length:
        if at_line_start:
            position = _skip_quote(text, position, quote)
            if position < 0:
                break
        position = _skip_blank(text, position)
        separator = _line_break(text, position)
        if separator:
            # A blank line after the body has started ends it (armor headers end in one).
            if seen_body and not line_has_content and at_line_start:
                break
            position += separator
            at_line_start, line_has_content = True, False
            continue
        stop = _end_line(text, position)
        if stop >= 0:
            return _Block(stop, "".join(body), "".join(private), True)
        if at_line_start and (putty or not seen_body):
            stop = _header_end(text, position)
            key = text[position : text.find(":", position)] if stop >= 0 else ""
            if putty and stop >= 0 and not key.startswith(_PUTTY_HEADERS):
                # Another key file, or text: this one ends here.
                break
            if stop >= 0:
                if putty and key in ("Private-MAC", "Private-Hash"):
                    return _Block(stop, "".join(body), "".join(private), True)
                in_private = in_private or key == "Private-Lines"
                end, position = stop, stop
                at_line_start, line_has_content = False, True
                continue
        run_end = _base64_run(text, position)
        if run_end == position:
            break
        after = _skip_blank(text, run_end)
        joined = after > run_end and run_end - position >= _JOINED_LINE
        complete = (
            after >= length
            or _line_break(text, after) > 0
            or _end_line(text, after) >= 0
            or (joined and _base64_run(text, after) > after)
        )
        if not complete and run_end - position < _PARTIAL_LINE and text[run_end] not in "\"'\\":
            # Base64 letters glued to prose ("thanks,"), not the cut-off end of a body.
            break
        token = text[position:run_end]
        body.append(token)
        if in_private:
            private.append(token)
        seen_body, line_has_content, at_line_start = True, True, False
        end, position = run_end, after
        if not complete:
            break
    return _Block(end, "".join(body), "".join(private), False)


def _line_prefix(text: str, start: int) -> str:
    """Up to _MAX_QUOTE + 1 characters between the start of the header's line and the header."""
    window_start = max(0, start - _MAX_QUOTE - 1)
    newline = text.rfind("\n", window_start, start)
    escaped = text.rfind("\\n", window_start, start)
    line_start = max(newline + 1 if newline >= 0 else 0, escaped + 2 if escaped >= 0 else 0)
    return text[max(line_start, window_start) : start]


def _check(candidate: Candidate) -> float | None:
    putty = candidate.pattern.name == "putty"
    quote = _quote_of(_line_prefix(candidate.text, candidate.start))
    block = _walk(candidate.text, candidate.end, quote, putty=putty)
    material = block.private_body if putty else block.body
    if len(material) < 64 or len(set(material)) < 16:
        return None
    candidate.end = max(candidate.end, block.end)
    confidence = candidate.pattern.confidence
    return confidence if block.has_end else confidence - 0.1


def _normalize(value: str) -> str:
    """The key material only: armor, headers, quote markers, whitespace and escapes removed."""
    putty = value.startswith("PuTTY")
    if putty:
        header_end = _skip_blank(value, len(value.split("\n", 1)[0].split("\\n", 1)[0]))
    else:
        header_end = value.find("----", value.find("BEGIN"))
        while 0 <= header_end < len(value) and value[header_end] == "-":
            header_end += 1
        if header_end < 0:
            return value
    line = _skip_blank(value, header_end)
    line += _line_break(value, line)
    prefix_end = line
    while prefix_end < min(len(value), line + _MAX_QUOTE):
        if value.startswith("// ", prefix_end):
            prefix_end += 3
        elif value[prefix_end] in _QUOTE_CHARS - {"/"}:
            prefix_end += 1
        else:
            break
    quote = _quote_of(value[line:prefix_end])
    return _walk(value, header_end, quote, putty=putty).body


def _mask(value: str) -> str:
    first_line = value.replace("\\n", "\n").split("\n", 1)[0]
    if "BEGIN" in first_line:
        end = first_line.find("----", first_line.find("BEGIN"))
        first_line = first_line[: end + 5].rstrip() if end > 0 else first_line
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
    description="Private key block (PEM, OpenSSH, PGP, PuTTY), also JSON-escaped or quoted",
    patterns=(
        Pattern(name="pem", regex=_PEM, confidence=0.97),
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
        "> -----BEGIN RSA PRIVATE KEY-----\n> " + _BODY.replace("\n", "\n> ") + "\n",
        "-----BEGIN RSA PRIVATE KEY-----\n" + _BODY + "-----END EC PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n"
        + _BODY
        + "=twTO\n-----END PGP PRIVATE KEY BLOCK-----",
    ),
    false_positives=(
        "-----BEGIN PUBLIC KEY-----\n" + _BODY + "-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\n" + _BODY + "-----END CERTIFICATE-----",
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        "paste your key between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n" + "A" * 70 + "\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\n<paste the key here>\n-----END RSA PRIVATE KEY-----",
    ),
)
