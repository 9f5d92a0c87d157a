"""IPv4 and IPv6 addresses, validated with `ipaddress`; not OIDs, MACs, times or versions."""

from __future__ import annotations

import ipaddress
import re

from scanners.detectors.base import Candidate, Detector, Pattern
from scanners.masking import BULLET
from scanners.model import Category
from scanners.validators import ip

# RFC 791 dotted quad (octets range-checked by the validator).
_IPV4 = r"\b(?P<value>\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\b"
# RFC 4291 section 2.2 text forms: eight groups, or a "::" compression (which times of day
# such as 10:22:33 and MAC addresses never have), optionally ending in a dotted quad.
_H = r"[0-9A-Fa-f]{1,4}"
_IPV6 = (
    r"(?:^|[^0-9A-Za-z_:.])(?P<value>" + _H + r"(?::" + _H + r"){7}"
    r"|(?:" + _H + r"(?::" + _H + r"){0,6})?::(?:" + _H + r"(?::" + _H + r"){0,6})?"
    r"(?:\.\d{1,3}\.\d{1,3}\.\d{1,3})?"
    r"|(?:" + _H + r":){6}\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})"
)

_VERSION_WORDS = re.compile(
    r"(?:\bversion|\bver\.?|\bv|\brelease|\brel\.?|\bbuild|\bfirmware|\bsdk|"
    r"\bupgrade to|\bupdated? to|\bpython|\bnode|\bchrome)\s*[:=]?\s*[\"'/]?$",
    re.IGNORECASE,
)


def _ipv4_check(candidate: Candidate) -> float | None:
    value = candidate.value
    if not ip.is_valid(value):
        return None
    text, start, end = candidate.text, candidate.start, candidate.end
    # OIDs and longer dotted runs: 1.3.6.1.4.1.311, 10.0.0.1.2
    if start >= 2 and text[start - 1] == "." and text[start - 2].isdigit():
        return None
    if end + 1 < len(text) and text[end] == "." and text[end + 1].isdigit():
        return None
    if start and text[start - 1] in "-_":
        return None
    if _VERSION_WORDS.search(candidate.before(20)):
        return None
    address = ipaddress.IPv4Address(value)
    if address.is_unspecified or _is_netmask(address):
        return None
    return candidate.pattern.confidence


def _is_netmask(address: ipaddress.IPv4Address) -> bool:
    bits = int(address)
    inverted = ~bits & 0xFFFFFFFF
    return _is_contiguous(inverted) and bits >> 24 == 255


def _is_contiguous(inverted: int) -> bool:
    """Whether the inverted mask is 0...01...1 (a contiguous netmask)."""
    return inverted & (inverted + 1) == 0


def _ipv6_check(candidate: Candidate) -> float | None:
    value = candidate.value
    if value.endswith(":") and not value.endswith("::"):
        return None
    if not ip.is_valid(value):
        return None
    after = candidate.after(1)
    if after and (after.isalnum() or after in "_:"):
        return None
    groups = [group for group in value.split(":") if group]
    if not any(ch.isdigit() for ch in value) and len(groups) < 4:
        return None
    # "[::2]" slices and "a::b" scopes: a compressed form needs two groups (or is ::1).
    if len(groups) < 2 and value != "::1":
        return None
    address = ipaddress.IPv6Address(value)
    if address.is_unspecified:
        return None
    return candidate.pattern.confidence


def _check(candidate: Candidate) -> float | None:
    if candidate.pattern.name == "ipv4":
        return _ipv4_check(candidate)
    return _ipv6_check(candidate)


def _mask(value: str) -> str:
    if "." in value and ":" not in value:
        first, second, *_ = value.split(".")
        return f"{first}.{second}.{BULLET}.{BULLET}"
    head = value.split(":")[0] or ":"
    return f"{head}:{BULLET}:{BULLET}"


DETECTOR = Detector(
    id="ip-address",
    category=Category.IP_ADDRESS,
    description="IPv4 or IPv6 address",
    patterns=(
        Pattern(name="ipv4", regex=_IPV4, confidence=0.8),
        Pattern(name="ipv6", regex=_IPV6, confidence=0.8),
    ),
    context=("ip", "ip address", "host", "server", "addr", "address", "client", "remote"),
    check=_check,
    normalize=ip.validate,
    mask=_mask,
    true_positives=(
        "ssh to 10.0.12.34 and check",
        "client 203.0.113.7 - - [10/Oct/2023] GET /",
        "server ip: 192.168.1.254",
        "IPv6 2001:db8:85a3::8a2e:370:7334 is ours",
        "listen [fe80::1ff:fe23:4567:890a]:443",
        "dns 8.8.8.8, 1.1.1.1",
        "mapped ::ffff:192.0.2.128 here",
    ),
    false_positives=(
        "OID 1.3.6.1.4.1.311.21.7",
        "mac 00:1a:2b:3c:4d:5e",
        "meeting at 12:30:45 today",
        "version 1.2.3.4 released",
        "upgrade to v2.10.0.1 now",
        "address 256.1.1.1 is invalid",
        "netmask 255.255.255.0",
        "bind 0.0.0.0",
        "std::vector<int> in C++",
    ),
)
