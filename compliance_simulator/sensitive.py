"""Generators of planted sensitive values and of look-alike decoys, each valid by its format.

Every value here is synthetic but passes the checks a careful detector applies (SSA area and
group rules, Luhn with a real issuer prefix and length, GitHub's CRC32 token checksum, PEM
labels that match, JWT parts that decode to JSON).
"""

from __future__ import annotations

import base64
import json
import random
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from .ids import BASE62, base62

ALNUM = BASE62
URLSAFE = BASE62 + "-_"
CATEGORIES = (
    "ssn",
    "credit_card",
    "api_key",
    "private_key",
    "password",
    "bearer_token",
    "email",
    "phone",
    "ip_address",
)


@dataclass(frozen=True, slots=True)
class Secret:
    """A planted sensitive value inside composed text."""

    category: str
    value: str


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A decoy: looks sensitive, is not (or sits where nothing is scanned)."""

    reason: str
    value: str


Part = str | Secret | Lookalike


# --- validators used by the generators (and by the tests) -------------------------------------


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit that makes ``payload + digit`` valid."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    digits = "".join(c for c in number if c.isdigit())
    return len(digits) > 1 and luhn_check_digit(digits[:-1]) == digits[-1]


def github_checksum(entropy: str) -> str:
    """Six base62 characters of CRC32(entropy), GitHub's 2021 token format."""
    return base62(zlib.crc32(entropy.encode("ascii")) & 0xFFFFFFFF, 6)


def ssn_valid(ssn: str) -> bool:
    """SSA rules: area not 000/666/9xx, group not 00, serial not 0000, no famous misuse."""
    digits = "".join(c for c in ssn if c.isdigit())
    if len(digits) != 9:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return digits not in ("123456789", "078051120", "219099999")


# --- value generators -------------------------------------------------------------------------


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choices(alphabet, k=n))


def ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        value = f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        if ssn_valid(value):
            return value


# (issuer, prefixes, length) per the published IIN ranges
_CARD_ISSUERS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("visa", ("4",), 16),
    ("mastercard", ("51", "52", "53", "54", "55", "2221", "2720", "2431"), 16),
    ("amex", ("34", "37"), 15),
    ("discover", ("6011", "65", "644", "649"), 16),
)


def credit_card(rng: random.Random) -> str:
    _, prefixes, length = rng.choice(_CARD_ISSUERS)
    prefix = rng.choice(prefixes)
    payload = prefix + _chars(rng, "0123456789", length - len(prefix) - 1)
    digits = payload + luhn_check_digit(payload)
    groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
    separator = rng.choice(("", " ", "-", " "))
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at : at + size])
        at += size
    return separator.join(parts)


def _key_body(rng: random.Random, n: int) -> str:
    """URL-safe key body that starts and ends alphanumeric (clean token boundaries)."""
    middle = _chars(rng, ALNUM * 8 + "-_", n - 2)
    return rng.choice(ALNUM) + middle + rng.choice(ALNUM)


def anthropic_key(rng: random.Random, kind: str = "api03") -> str:
    return f"sk-ant-{kind}-{_key_body(rng, 93)}AA"


def aws_access_key_id(rng: random.Random) -> str:
    return "AKIA" + _chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def github_token(rng: random.Random) -> str:
    entropy = _chars(rng, ALNUM, 30)
    return f"ghp_{entropy}{github_checksum(entropy)}"


def stripe_secret_key(rng: random.Random) -> str:
    return "sk_live_" + _chars(rng, ALNUM, rng.choice((24, 99)))


def openai_project_key(rng: random.Random) -> str:
    return f"sk-proj-{_key_body(rng, 74)}T3BlbkFJ{_key_body(rng, 74)}"


def slack_bot_token(rng: random.Random) -> str:
    return (
        f"xoxb-{rng.randint(10**10, 10**12 - 1)}-{rng.randint(10**11, 10**13 - 1)}-"
        f"{_chars(rng, ALNUM, 24)}"
    )


def _pem(label: str, der: bytes, width: int = 64) -> str:
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def private_key(rng: random.Random) -> str:
    kind = rng.choice(("rsa", "pkcs8", "ec", "openssh"))
    if kind == "rsa":
        size = rng.choice((600, 1190))
        return _pem("RSA PRIVATE KEY", b"\x30\x82" + size.to_bytes(2, "big") + rng.randbytes(size))
    if kind == "pkcs8":
        size = rng.choice((630, 1210))
        return _pem("PRIVATE KEY", b"\x30\x82" + size.to_bytes(2, "big") + rng.randbytes(size))
    if kind == "ec":
        return _pem("EC PRIVATE KEY", b"\x30\x77\x02\x01\x01\x04\x20" + rng.randbytes(112))
    return _pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00" + rng.randbytes(380), width=70)


_PW_WORDS = (
    "Maple",
    "Harbor",
    "Falcon",
    "Orchid",
    "Granite",
    "Juniper",
    "Copper",
    "Saffron",
    "Tundra",
    "Willow",
    "Nimbus",
    "Quartz",
    "Cobalt",
    "Ember",
    "Lantern",
    "Meadow",
)


def password(rng: random.Random) -> str:
    """A human-made password without URI or shell metacharacters."""
    word = rng.choice(_PW_WORDS)
    style = rng.randrange(3)
    if style == 0:
        return f"{word}{rng.choice('!#%*')}{rng.randint(1000, 9999)}"
    if style == 1:
        return f"{word.lower()}{rng.randint(10, 99)}{rng.choice(_PW_WORDS)}{rng.choice('!#*')}"
    return _chars(rng, ALNUM, 6) + rng.choice("!#%") + _chars(rng, ALNUM, 7)


def opaque_token(rng: random.Random) -> str:
    return _key_body(rng, rng.choice((32, 40, 48)))


def _b64url_json(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(("HS256", "RS256")), "typ": "JWT"}
    issued = rng.randint(1_750_000_000, 1_790_000_000)
    payload = {
        "sub": f"usr_{rng.randint(10000, 99999)}",
        "role": rng.choice(("admin", "svc")),
        "iat": issued,
        "exp": issued + 3600,
    }
    signature = base64.urlsafe_b64encode(rng.randbytes(32)).decode("ascii").rstrip("=")
    return f"{_b64url_json(header)}.{_b64url_json(payload)}.{signature}"


_FIRST = (
    "maria",
    "james",
    "aiko",
    "lukas",
    "priya",
    "omar",
    "sofia",
    "chen",
    "fatima",
    "noah",
    "elena",
    "kwame",
    "ingrid",
    "mateo",
    "yara",
    "dmitri",
)
_LAST = (
    "garcia",
    "okafor",
    "tanaka",
    "muller",
    "sharma",
    "haddad",
    "rossi",
    "wei",
    "nasser",
    "bennett",
    "petrova",
    "mensah",
    "larsen",
    "silva",
    "moreau",
    "ivanov",
)
_MAIL_DOMAINS = (
    "brightpath-logistics.com",
    "helixbio.io",
    "mapleridgefinance.com",
    "quantalabs.ai",
    "gmail.com",
    "outlook.com",
    "northwind-traders.com",
    "fjordcapital.no",
    "sunvale-health.org",
)


def email(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    local = rng.choice(
        (f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}")
    )
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"


_US_AREAS = (
    "212",
    "312",
    "415",
    "646",
    "617",
    "206",
    "303",
    "512",
    "718",
    "773",
    "404",
    "305",
    "214",
    "602",
    "919",
    "971",
)


def phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        area, line = rng.choice(_US_AREAS), f"{rng.randint(0, 9999):04d}"
        exchange = str(rng.randint(200, 999))
        while exchange in ("555", "911", "411", "611") or exchange[1:] == "11":
            exchange = str(rng.randint(200, 999))
        return rng.choice(
            (
                f"({area}) {exchange}-{line}",
                f"{area}-{exchange}-{line}",
                f"{area}.{exchange}.{line}",
                f"+1 {area} {exchange} {line}",
                f"+1-{area}-{exchange}-{line}",
            )
        )

    def d(n: int) -> str:
        return _chars(rng, "0123456789", n)

    return rng.choice(
        (
            f"+44 20 3{d(3)} {d(4)}",
            f"+49 30 {rng.randint(2, 9)}{d(3)} {d(4)}",
            f"+33 1 {rng.randint(40, 59)} {d(2)} {d(2)} {d(2)}",
            f"+81 3-{rng.randint(3, 6)}{d(3)}-{d(4)}",
            f"+91 9{d(4)} {d(5)}",
            f"+61 2 9{d(3)} {d(4)}",
        )
    )


_PUBLIC_FIRST_OCTETS = (23, 34, 35, 52, 54, 64, 81, 91, 104, 142, 151, 154, 185, 188, 212, 213)


def ipv4(rng: random.Random) -> str:
    return (
        f"{rng.choice(_PUBLIC_FIRST_OCTETS)}.{rng.randint(1, 254)}."
        f"{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    )


def ipv6(rng: random.Random) -> str:
    prefix = rng.choice(("2a03:2880", "2606:4700", "2a00:1450", "2600:1f18", "2a01:4f8"))
    groups = [f"{rng.randint(1, 0xFFFF):x}" for _ in range(6)]
    if rng.random() < 0.5:
        return f"{prefix}:{groups[0]}:{groups[1]}::{groups[4]}:{groups[5]}"
    return f"{prefix}:" + ":".join(groups)


# --- planted snippets: each kind renders parts with the value in realistic context -----------

Snippet = Callable[[random.Random], list[Part]]


def _s(category: str, value: str) -> Secret:
    return Secret(category, value)


PLANT_KINDS: dict[str, Snippet] = {
    "ssn": lambda r: [
        "Onboarding form for the new hire — SSN ",
        _s("ssn", ssn(r)),
        ", start date next Monday. Can you check the fields are complete?",
    ],
    "ssn_table": lambda r: [
        "name,ssn,department\n",
        r.choice(_FIRST).title(),
        " ",
        r.choice(_LAST).title(),
        ",",
        _s("ssn", ssn(r)),
        ",finance\n",
    ],
    "credit_card": lambda r: [
        "The customer says card ",
        _s("credit_card", credit_card(r)),
        " was charged twice for order #",
        str(r.randint(10000, 99999)),
        ". Draft a polite reply?",
    ],
    "credit_card_form": lambda r: [
        "card_number: ",
        _s("credit_card", credit_card(r)),
        "\nexpiry: 0",
        str(r.randint(1, 9)),
        "/2",
        str(r.randint(7, 9)),
        "\n",
    ],
    "anthropic_api03": lambda r: [
        "Getting a 401 with this config:\nANTHROPIC_API_KEY=",
        _s("api_key", anthropic_key(r, "api03")),
        "\nMODEL=claude-sonnet\n",
    ],
    "anthropic_admin01": lambda r: [
        'client = Admin(api_key="',
        _s("api_key", anthropic_key(r, "admin01")),
        '")\nprint(client.users.list())\n',
    ],
    "anthropic_api01": lambda r: [
        "Our compliance export key is ",
        _s("api_key", anthropic_key(r, "api01")),
        " — is that the right kind of key for the activity feed?",
    ],
    "aws": lambda r: [
        "[default]\naws_access_key_id = ",
        _s("api_key", aws_access_key_id(r)),
        "\nregion = eu-west-1\n",
    ],
    "github": lambda r: [
        "git clone fails in CI even with GITHUB_TOKEN=",
        _s("api_key", github_token(r)),
        " exported. What scope is missing?",
    ],
    "stripe": lambda r: ['stripe.api_key = "', _s("api_key", stripe_secret_key(r)), '"\n'],
    "openai": lambda r: [
        "We also call the other vendor with OPENAI_API_KEY=",
        _s("api_key", openai_project_key(r)),
        " from the same worker.\n",
    ],
    "slack": lambda r: [
        "The alert bot posts with token ",
        _s("api_key", slack_bot_token(r)),
        " but messages never arrive in the channel.",
    ],
    "private_key": lambda r: [
        "Why does the deploy step reject this key?\n\n",
        _s("private_key", private_key(r)),
        "\n",
    ],
    "password_phrase": lambda r: [
        "I can't log into the staging dashboard, my password is ",
        _s("password", password(r)),
        " and it says the account is locked.",
    ],
    "password_env": lambda r: [
        "DB_USER=reporting\npassword=",
        _s("password", password(r)),
        "\nDB_POOL=10\n",
    ],
    "password_uri": lambda r: [
        "DATABASE_URL=postgres://",
        r.choice(("app", "etl", "admin")),
        ":",
        _s("password", password(r)),
        "@db-",
        r.choice(("primary", "replica")),
        ".internal:5432/",
        r.choice(("orders", "billing", "crm")),
        "\n",
    ],
    "bearer": lambda r: [
        "curl -s https://api.helixbio.io/v2/orders -H 'Authorization: Bearer ",
        _s("bearer_token", opaque_token(r)),
        "'\n",
    ],
    "jwt": lambda r: [
        "This token fails validation on the gateway: ",
        _s("bearer_token", jwt(r)),
        "\nIs the exp claim the problem?",
    ],
    "email": lambda r: [
        "Please send the revised contract to ",
        _s("email", email(r)),
        " before Friday.",
    ],
    "phone": lambda r: ["If the rollout breaks, call me on ", _s("phone", phone(r)), " any time."],
    "ipv4": lambda r: [
        "The bastion at ",
        _s("ip_address", ipv4(r)),
        " refuses SSH since the firewall change.",
    ],
    "ipv6": lambda r: [
        "Traffic from ",
        _s("ip_address", ipv6(r)),
        " is being rate limited by the WAF.",
    ],
}


def _luhn_failing(rng: random.Random) -> str:
    payload = "4" + _chars(rng, "0123456789", 14)
    wrong = str((int(luhn_check_digit(payload)) + rng.randint(1, 9)) % 10)
    digits = payload + wrong
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def _lk(reason: str, value: str) -> Lookalike:
    return Lookalike(reason, value)


DECOY_KINDS: dict[str, Snippet] = {
    "ms_timestamp": lambda r: [
        "The event came in with ts=",
        _lk("13-digit millisecond timestamp", str(r.randint(1_700_000_000_000, 1_790_000_000_000))),
        " in the payload.",
    ],
    "luhn_fail": lambda r: [
        "Test value ",
        _lk("16 digits that fail the Luhn check", _luhn_failing(r)),
        " should be rejected by the form.",
    ],
    "stripe_publishable": lambda r: [
        "The frontend uses ",
        _lk("Stripe publishable key (public)", "pk_live_" + _chars(r, ALNUM, 24)),
        " for checkout.",
    ],
    "localhost_mail": lambda r: [
        "Cron mails go to ",
        _lk("no routable domain", "root@localhost"),
        ".",
    ],
    "version": lambda r: [
        "We pinned the agent at ",
        _lk(
            "version string",
            f"v{r.randint(1, 4)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(1, 9)}",
        ),
        " after the regression.",
    ],
    "uuid": lambda r: [
        "Trace id ",
        _lk("UUID", str(uuid.UUID(int=r.getrandbits(128), version=4))),
        " shows the retry.",
    ],
    "placeholder_key": lambda r: [
        "export ANTHROPIC_API_KEY=",
        _lk("placeholder", "YOUR_API_KEY"),
        "\n",
    ],
    "env_reference": lambda r: [
        "password=",
        _lk("environment variable reference", "${PASSWORD}"),
        "\n",
    ],
    "masked_card": lambda r: [
        "Receipt shows ",
        _lk("masked card number", f"**** **** **** {r.randint(1000, 9999)}"),
        " only.",
    ],
}

# Real-looking secrets an assistant might print: never a user input, so decoys by location.
ASSISTANT_DECOY_VALUES: dict[str, Callable[[random.Random], str]] = {
    "email": email,
    "ipv4": ipv4,
    "aws": aws_access_key_id,
    "phone": phone,
}


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a planted value or a decoy landed in composed text."""

    part: Secret | Lookalike
    start: int
    end: int


def compose(parts: list[Part]) -> tuple[str, list[Mark]]:
    """Join parts into one text, recording the character span of every secret and decoy."""
    chunks: list[str] = []
    marks: list[Mark] = []
    at = 0
    for part in parts:
        piece = part if isinstance(part, str) else part.value
        if not isinstance(part, str):
            marks.append(Mark(part, at, at + len(piece)))
        chunks.append(piece)
        at += len(piece)
    return "".join(chunks), marks
