# ruff: noqa: E501 - a data table of chat messages; wrapping them would hide the cases.
"""Build the labelled DLP corpus (scan_cases.jsonl) used by benchmarks/scan_accuracy.py.

Each line: {"id", "source", "kind", "text", "expected": [{"category", "value"}]}
  kind = "positive"      at least one labelled item (other near-misses may sit beside it)
  kind = "hard_negative" nothing sensitive, but shaped to fool naive regexes

Two halves: hand-written cases (HAND_*), written from real-world false-positive reports and
chat transcripts, and template cases that put freshly generated values (valid checksums,
random bodies) into chat-like contexts: support tickets, pasted configs, logs, CSV, code and
multi-turn prose. Values are synthetic; nothing here is a live credential.

Run: python benchmarks/corpus/build_scan_corpus.py   (deterministic; seed below)
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable
from pathlib import Path

import phonenumbers

SEED = 20240517
OUT = Path(__file__).with_name("scan_cases.jsonl")

Item = tuple[str, str]  # (category, value)
Case = tuple[str, str, list[Item]]  # (source, text, expected)

rng = random.Random(SEED)
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64URL = string.ascii_letters + string.digits + "-_"
FIRST = [
    "Jane",
    "Omar",
    "Priya",
    "Lukas",
    "Mei",
    "Carlos",
    "Aisha",
    "Tom",
    "Sofia",
    "Kenji",
    "Fatima",
    "Noah",
    "Elena",
    "Raj",
    "Chloe",
    "Diego",
    "Hannah",
    "Yusuf",
    "Ines",
    "Ben",
]
LAST = [
    "Doe",
    "Haddad",
    "Sharma",
    "Becker",
    "Chen",
    "Ruiz",
    "Bello",
    "Nguyen",
    "Rossi",
    "Sato",
    "Khan",
    "Smith",
    "Petrova",
    "Iyer",
    "Martin",
    "Lopez",
    "Weber",
    "Demir",
    "Silva",
    "Cohen",
]
DOMAINS = [
    "example.com",
    "acme-corp.com",
    "gmail.com",
    "outlook.com",
    "contoso.io",
    "globex.co.uk",
    "initech.de",
    "uni-heidelberg.de",
    "hooli.xyz",
    "mail.example.org",
]


def rand(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def name() -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


# --- value generators ----------------------------------------------------------------------


def luhn_complete(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial + "0")):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


CARD_ISSUERS = [
    ("4", 16),
    ("4", 16),
    ("51", 16),
    ("55", 16),
    ("2221", 16),
    ("34", 15),
    ("37", 15),
    ("6011", 16),
    ("65", 16),
    ("3530", 16),
    ("36", 14),
    ("62", 16),
    ("4", 13),
    ("4", 19),
]


def card() -> str:
    prefix, length = rng.choice(CARD_ISSUERS)
    digits = luhn_complete(prefix + rand(string.digits, length - len(prefix) - 1))
    if length == 15:
        style = rng.choice(["plain", "465", "465-"])
        if style == "465":
            return f"{digits[:4]} {digits[4:10]} {digits[10:]}"
        if style == "465-":
            return f"{digits[:4]}-{digits[4:10]}-{digits[10:]}"
        return digits
    if length == 14:
        return rng.choice([digits, f"{digits[:4]} {digits[4:10]} {digits[10:]}"])
    sep = rng.choice(["", " ", "-", " ", "\u00a0"])
    if not sep:
        return digits
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def ssn_digits() -> str:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        number = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if number not in ("078051120", "219099999", "123456789"):
            return number


def ssn() -> str:
    d = ssn_digits()
    sep = rng.choice(["-", "-", "-", " ", "."])
    return f"{d[:3]}{sep}{d[3:5]}{sep}{d[5:]}"


US_AREAS = ["212", "415", "617", "312", "206", "303", "512", "646", "718", "202", "305", "404"]


def phone() -> str:
    while True:
        kind = rng.random()
        if kind < 0.55:
            area = rng.choice(US_AREAS)
            exchange = str(rng.randint(201, 989))
            line = f"{rng.randint(0, 9999):04d}"
            if rng.random() < 0.3:
                exchange, line = "555", f"01{rng.randint(0, 99):02d}"
            fmt = rng.choice(
                [
                    "({a}) {e}-{l}",
                    "{a}-{e}-{l}",
                    "{a}.{e}.{l}",
                    "+1 {a} {e} {l}",
                    "+1-{a}-{e}-{l}",
                    "1-{a}-{e}-{l}",
                ]
            )
            value = fmt.format(a=area, e=exchange, l=line)
        elif kind < 0.7:
            value = f"+44 20 7946 0{rng.randint(0, 999):03d}"
        elif kind < 0.8:
            value = f"+49 30 {rng.randint(1000000, 9999999)}"
        elif kind < 0.9:
            value = f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        else:
            value = f"+61 2 {rng.randint(9000, 9999)} {rng.randint(1000, 9999)}"
        number = phonenumbers.parse(value, "US")
        if phonenumbers.is_valid_number(number):
            return value


def email() -> str:
    first, last = name()
    local = rng.choice(
        [
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}_{last}{rng.randint(1, 99)}",
            f"{first}+{rng.choice(['billing', 'dev', 'news'])}",
            first,
        ]
    ).lower()
    return f"{local}@{rng.choice(DOMAINS)}"


def ipv4() -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind < 0.5:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind < 0.6:
        return f"203.0.113.{rng.randint(1, 254)}"
    return (
        f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    )


def ipv6() -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(5)]
    return rng.choice(
        [
            f"2001:db8:{groups[0]}:{groups[1]}::{groups[2]}",
            f"fe80::{groups[0]}:{groups[1]}:{groups[2]}:{groups[3]}",
            f"2a00:1450:{groups[0]}:{groups[1]}:{groups[2]}:{groups[3]}:{groups[4]}:1",
        ]
    )


def anthropic_key() -> str:
    kind = rng.choice(["api03", "api03", "admin01", "api01", "oat01", "ort01", "sid01"])
    return f"sk-ant-{kind}-" + rand(B64URL, 93) + "AA"


def github() -> str:
    body = rand(B62, 30)
    crc = zlib.crc32(body.encode())
    digits = ""
    while crc:
        crc, r = divmod(crc, 62)
        digits = B62[r] + digits
    return rng.choice(["ghp_", "gho_", "ghs_", "ghu_"]) + body + digits.rjust(6, "0")


VENDOR_KEYS: list[Callable[[], str]] = [
    anthropic_key,
    anthropic_key,
    lambda: "sk-proj-" + rand(B64URL, 48) + "T3BlbkFJ" + rand(B64URL, 48),
    lambda: "AKIA" + rand("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    github,
    lambda: "github_pat_11" + rand(B62, 20) + "_" + rand(B62, 59),
    lambda: f"xoxb-{rng.randint(10**9, 10**10)}-{rng.randint(10**12, 10**13)}-" + rand(B62, 24),
    lambda: "sk_live_51" + rand(B62, 30),
    lambda: "AIza" + rand(B64URL, 35),
    lambda: "glpat-" + rand(B62, 20),
    lambda: "hf_" + rand(string.ascii_letters, 34),
    lambda: "npm_" + rand(B62, 36),
    lambda: "SG." + rand(B64URL, 22) + "." + rand(B64URL, 43),
]


def b64(data: bytes, url: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(data) if url else base64.b64encode(data)
    return encoded.decode().rstrip("=") if url else encoded.decode()


def jwt() -> str:
    header = {"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    payload = {
        "sub": str(rng.randint(1, 10**6)),
        "iat": rng.randint(1_600_000_000, 1_750_000_000),
        "email": email(),
        "scope": "read write",
    }
    parts = [
        b64(json.dumps(header).encode(), True),
        b64(json.dumps(payload).encode(), True),
        b64(rng.randbytes(32), True),
    ]
    return ".".join(parts)


def opaque_token() -> str:
    return rand(string.ascii_letters + string.digits, rng.randint(24, 48))


def password() -> str:
    words = ["Summer", "Winter", "Tiger", "Falcon", "Orange", "Rocket", "Maple", "Coffee"]
    return rng.choice(
        [
            f"{rng.choice(words)}{rng.randint(2000, 2025)}{rng.choice('!#$@')}",
            rand(string.ascii_letters + string.digits + "!@#$%^&*", rng.randint(10, 18)),
            f"{rng.choice(words).lower()}_{rng.randint(10, 99)}{rng.choice(words)}",
            rand(string.ascii_letters + string.digits, 12),
        ]
    )


def private_key(escaped: bool = False) -> str:
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    body = base64.b64encode(rng.randbytes(48 * rng.randint(4, 12))).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    pem = f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"
    return pem.replace("\n", "\\n") if escaped else pem


# --- template cases ------------------------------------------------------------------------


def positives() -> list[Case]:
    cases: list[Case] = []
    for _ in range(30):
        v = card()
        first, last = name()
        cases.append(
            rng.choice(
                [
                    (
                        "support",
                        f"Hi, I was double charged on my card {v}. Can you refund? - {first}",
                        [("credit_card", v)],
                    ),
                    (
                        "chat",
                        f"can you check why payment failed? card number: {v}, exp 08/27, cvv {rng.randint(100, 999)}",
                        [("credit_card", v)],
                    ),
                    (
                        "csv",
                        f"customer,card,amount\n{first} {last},{v},{rng.randint(5, 500)}.00",
                        [("credit_card", v)],
                    ),
                    (
                        "log",
                        f"2024-05-17T10:22:{rng.randint(10, 59)}.{rng.randint(100, 999)}Z WARN payment declined pan={v} order_id={rng.randint(10**9, 10**10)}",
                        [("credit_card", v)],
                    ),
                    (
                        "code",
                        f'test_payload = {{"amount": 1200, "card": "{v}", "currency": "usd"}}',
                        [("credit_card", v)],
                    ),
                ]
            )
        )
    for _ in range(25):
        v = ssn()
        d = ssn_digits()
        first, last = name()
        cases.append(
            rng.choice(
                [
                    (
                        "support",
                        f"For the background check, my SSN is {v}. Please keep it private.",
                        [("ssn", v)],
                    ),
                    (
                        "csv",
                        f"employee,ssn,start_date\n{first} {last},{v},2023-02-01",
                        [("ssn", v)],
                    ),
                    (
                        "chat",
                        f"fill in the W-4 for {first} {last}, social security number {v}, filing single",
                        [("ssn", v)],
                    ),
                    ("chat", f"Her SSN: {d} (no dashes, sorry)", [("ssn", d)]),
                    (
                        "form",
                        f"Name: {first} {last}\nDOB: 1984-03-12\nSSN {v}\nAddress: 12 Elm St",
                        [("ssn", v)],
                    ),
                ]
            )
        )
    for _ in range(30):
        v = phone()
        first, last = name()
        cases.append(
            rng.choice(
                [
                    (
                        "support",
                        f"Please call me back at {v}, I'm available after 3pm.",
                        [("phone", v)],
                    ),
                    (
                        "chat",
                        f"draft a text to {first}: 'running late, reach me on {v}'",
                        [("phone", v)],
                    ),
                    ("csv", f"name,phone,city\n{first} {last},{v},Boston", [("phone", v)]),
                    (
                        "signature",
                        f"Best,\n{first} {last}\nSenior Engineer\nMobile: {v}",
                        [("phone", v)],
                    ),
                ]
            )
        )
    for _ in range(30):
        v = email()
        first, _ = name()
        cases.append(
            rng.choice(
                [
                    (
                        "chat",
                        f"write a polite follow-up email to {v} about the invoice",
                        [("email", v)],
                    ),
                    ("support", f"My account email is {v} but I can't reset it.", [("email", v)]),
                    ("csv", f"id,email,plan\n{rng.randint(1, 9999)},{v},pro", [("email", v)]),
                    ("log", f'level=info msg="login ok" user={v} ts=1715940000123', [("email", v)]),
                    ("code", f"ADMINS = [('{first}', '{v}')]", [("email", v)]),
                ]
            )
        )
    for _ in range(30):
        v = ipv4() if rng.random() < 0.8 else ipv6()
        cases.append(
            rng.choice(
                [
                    (
                        "log",
                        f'{v} - - [17/May/2024:10:22:33 +0000] "GET /api/v1/users HTTP/1.1" 200 512',
                        [("ip_address", v)],
                    ),
                    ("chat", f"why can't I ssh into {v}? it times out", [("ip_address", v)]),
                    ("config", f"[server]\nhost = {v}\nport = 8443", [("ip_address", v)]),
                    (
                        "support",
                        f"We are blocked from IP {v} since this morning.",
                        [("ip_address", v)],
                    ),
                ]
            )
        )
    for _ in range(60):
        v = rng.choice(VENDOR_KEYS)()
        cases.append(
            rng.choice(
                [
                    (
                        "config",
                        f"# .env\nDEBUG=false\nAPI_KEY={v}\nREGION=us-east-1",
                        [("api_key", v)],
                    ),
                    (
                        "chat",
                        f"my key {v} stopped working after the rotation, any idea?",
                        [("api_key", v)],
                    ),
                    (
                        "code",
                        f'client = Client(api_key="{v}")\nprint(client.models.list())',
                        [("api_key", v)],
                    ),
                    (
                        "json",
                        json.dumps({"service": "billing", "credentials": {"token": v}}),
                        [("api_key", v)],
                    ),
                    (
                        "log",
                        f"ERROR 401 Unauthorized for key={v} at /v1/messages",
                        [("api_key", v)],
                    ),
                    ("json-escaped", json.dumps({"cmd": f"export KEY={v}\nrun"}), [("api_key", v)]),
                ]
            )
        )
    for _ in range(20):
        secret = rand(string.ascii_letters + string.digits, 32)
        key_name = rng.choice(
            ["DATADOG_API_KEY", "client_secret", "webhook_secret", "X-Api-Key", "signing_key"]
        )
        cases.append(
            rng.choice(
                [
                    ("config", f"{key_name}={secret}", [("api_key", secret)]),
                    (
                        "yaml",
                        f'integrations:\n  monitoring:\n    {key_name}: "{secret}"',
                        [("api_key", secret)],
                    ),
                    (
                        "code",
                        f"{key_name.lower().replace('-', '_')} = '{secret}'",
                        [("api_key", secret)],
                    ),
                ]
            )
        )
    for _ in range(25):
        escaped = rng.random() < 0.3
        v = private_key(escaped)
        cases.append(
            rng.choice(
                [
                    (
                        "chat",
                        f"here's the deploy key, can you add it to the runner?\n{v}",
                        [("private_key", v)],
                    ),
                    (
                        "json",
                        '{"type": "service_account", "private_key": "'
                        + v.replace("\n", "\\n")
                        + '"}',
                        [("private_key", v.replace("\n", "\\n"))],
                    ),
                    ("config", f"ssh_key: |\n  {v}", [("private_key", v)]),
                ]
            )
        )
    for _ in range(60):
        v = password()
        user = rng.choice(["admin", "root", "deploy", "svc_etl", "jane"])
        host = rng.choice(["db.internal", "10.0.3.4", "pg-prod.example.com"])
        source, text, expected = rng.choice(
            [
                ("config", f"DB_HOST={host}\nDB_USER={user}\nDB_PASSWORD={v}", [("password", v)]),
                ("yaml", f'database:\n  user: {user}\n  password: "{v}"', [("password", v)]),
                ("json", json.dumps({"username": user, "password": v}), [("password", v)]),
                ("chat", f"my password is {v} and it keeps saying locked out", [("password", v)]),
                ("chat", f"the wifi password is {v}", [("password", v)]),
                ("chat", f"login is {user} / {v} for the staging box", [("password", v)]),
                ("cli", f"mysql -h {host} -u {user} -p{v} sales", [("password", v)]),
                ("cli", f"curl -u {user}:{v} https://api.example.com/v2/report", [("password", v)]),
                (
                    "odbc",
                    f"Driver={{ODBC Driver 18}};Server={host};Uid={user};Pwd={v};Encrypt=yes;",
                    [("password", v)],
                ),
                ("chat", f"mi contraseña es {v} pero no funciona", [("password", v)]),
                ("chat", f"mein Passwort ist {v}", [("password", v)]),
                ("netrc", f"machine {host} login {user} password {v}", [("password", v)]),
            ]
        )
        if host[0].isdigit() and host in text:
            expected = [*expected, ("ip_address", host)]
        cases.append((source, text, expected))
    for _ in range(15):
        v = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(12))
        user = rng.choice(["admin", "app", "etl"])
        uri = f"postgres://{user}:{v}@db.example.com:5432/app"
        cases.append(("config", f"DATABASE_URL={uri}", [("password", v)]))
    for _ in range(10):
        user, pw = rng.choice(["admin", "api", "ops"]), password()
        token = base64.b64encode(f"{user}:{pw}".encode()).decode()
        cases.append(
            (
                "http",
                f"GET /metrics HTTP/1.1\nHost: example.com\nAuthorization: Basic {token}",
                [("password", token)],
            )
        )
    for _ in range(30):
        v = jwt() if rng.random() < 0.6 else opaque_token()
        cases.append(
            rng.choice(
                [
                    (
                        "http",
                        f"curl -H 'Authorization: Bearer {v}' https://api.example.com/me",
                        [("bearer_token", v)],
                    ),
                    (
                        "har",
                        json.dumps(
                            {
                                "request": {
                                    "headers": [{"name": "Authorization", "value": f"Bearer {v}"}]
                                }
                            }
                        ),
                        [("bearer_token", v)],
                    ),
                    (
                        "chat",
                        f"the request fails with this header: Authorization: Bearer {v}",
                        [("bearer_token", v)],
                    ),
                ]
            )
        )
        if v.count(".") == 2:
            cases.append(
                ("cookie", f"Cookie: theme=dark; id_token={v}; lang=en", [("bearer_token", v)])
            )
    # Messages that carry several items.
    for _ in range(25):
        first, last = name()
        e, p, c = email(), phone(), card()
        i = ipv4()
        cases.append(
            rng.choice(
                [
                    (
                        "support",
                        f"Customer {first} {last} ({e}, {p}) says card {c} was charged twice.",
                        [("email", e), ("phone", p), ("credit_card", c)],
                    ),
                    (
                        "log",
                        f"{i} user={e} action=checkout card={c} status=declined",
                        [("ip_address", i), ("email", e), ("credit_card", c)],
                    ),
                    (
                        "multi-turn",
                        f"User: my email is {e}\nAssistant: Thanks! And a phone number?\nUser: {p}",
                        [("email", e), ("phone", p)],
                    ),
                ]
            )
        )
    return cases


def hard_negatives() -> list[Case]:
    cases: list[Case] = []
    for _ in range(20):
        ts = rng.randint(1_600_000_000_000, 1_760_000_000_000)
        cases.append(
            rng.choice(
                [
                    ("log", f"{ts} INFO worker-3 job finished in {rng.randint(10, 999)}ms", []),
                    ("json", json.dumps({"created_at_ms": ts, "updated_at_ms": ts + 1500}), []),
                    ("log", f"[{ts}] GET /health 200 ({rng.randint(1, 30)}ms)", []),
                ]
            )
        )
    for _ in range(20):
        order = str(rng.randint(10**15, 10**16 - 1))
        if sum(int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(order))) % 10 == 0:
            continue
        cases.append(
            rng.choice(
                [
                    ("support", f"My order number is {order} and it hasn't shipped.", []),
                    ("csv", f"order_id,total\n{order},49.99", []),
                    ("chat", f"tracking id {order} shows delivered but I got nothing", []),
                ]
            )
        )
    for _ in range(15):
        uuid = f"{rand('0123456789abcdef', 8)}-{rand('0123456789abcdef', 4)}-4{rand('0123456789abcdef', 3)}-a{rand('0123456789abcdef', 3)}-{rand('0123456789abcdef', 12)}"
        sha = rand("0123456789abcdef", 40)
        cases.append(
            rng.choice(
                [
                    (
                        "log",
                        f"request_id={uuid} trace={rand('0123456789abcdef', 32)} status=200",
                        [],
                    ),
                    (
                        "chat",
                        f"the bug was introduced in commit {sha}, can you explain the diff?",
                        [],
                    ),
                    ("code", f'api_key_id = "{uuid}"  # not the secret, just its id', []),
                    ("chat", f"sha256 of the file is {rand('0123456789abcdef', 64)}", []),
                ]
            )
        )
    for _ in range(15):
        ver = (
            f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 50)}.{rng.randint(0, 9999)}"
        )
        cases.append(
            rng.choice(
                [
                    ("chat", f"after upgrading to version {ver} the app crashes on start", []),
                    ("log", f"Chrome/{ver} Safari/537.36", []),
                    (
                        "chat",
                        f"OID 1.3.6.1.4.1.{rng.randint(100, 99999)}.{rng.randint(1, 9)}.{rng.randint(1, 9)} is not resolving",
                        [],
                    ),
                    (
                        "log",
                        f"mac={':'.join(rand('0123456789abcdef', 2) for _ in range(6))} link up",
                        [],
                    ),
                    (
                        "chat",
                        f"meeting moved to {rng.randint(10, 17)}:{rng.randint(10, 59)}:00, room 4.{rng.randint(10, 99)}",
                        [],
                    ),
                ]
            )
        )
    for _ in range(20):
        cases.append(
            rng.choice(
                [
                    (
                        "chat",
                        f"npm install react@{rng.randint(16, 19)}.{rng.randint(0, 9)}.{rng.randint(0, 9)} lodash@4.17.{rng.randint(10, 21)}",
                        [],
                    ),
                    ("chat", f"thanks @{rng.choice(FIRST).lower()} for the review!", []),
                    ("code", f'<img src="logo@{rng.randint(2, 3)}x.png">', []),
                    (
                        "cli",
                        f"git clone git@github.com:{rng.choice(LAST).lower()}/dotfiles.git",
                        [],
                    ),
                    ("cli", f"ssh {rng.choice(['ubuntu', 'ec2-user', 'admin'])}@bastion", []),
                    (
                        "code",
                        "@app.route('/login', methods=['POST'])\ndef login():\n    return render()",
                        [],
                    ),
                ]
            )
        )
    for _ in range(10):
        isbn = f"978-{rng.randint(0, 1)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}"
        cases.append(("chat", f"can you summarize the book with ISBN {isbn}?", []))
    for _ in range(12):
        masked = rng.choice(
            [
                f"**** **** **** {rng.randint(1000, 9999)}",
                f"XXXX-XXXX-XXXX-{rng.randint(1000, 9999)}",
                f"card ending in {rng.randint(1000, 9999)}",
                f"***-**-{rng.randint(1000, 9999)}",
                f"4111 •••• •••• {rng.randint(1000, 9999)}",
            ]
        )
        cases.append(("support", f"The charge on {masked} looks wrong.", []))
    return cases


# --- hand-written cases --------------------------------------------------------------------

HAND_POSITIVE: list[Case] = [
    (
        "chat",
        "I pasted my Claude key by mistake: sk-ant-api03-Qm9yZWFsLW5vdC1hLXJlYWwta2V5LWp1c3QtdGVzdGluZy1mb3ItZGxwLXNjYW5uZXItYmVuY2htYXJrcw-xyzAA",
        [
            (
                "api_key",
                "sk-ant-api03-Qm9yZWFsLW5vdC1hLXJlYWwta2V5LWp1c3QtdGVzdGluZy1mb3ItZGxwLXNjYW5uZXItYmVuY2htYXJrcw-xyzAA",
            )
        ],
    ),
    (
        "chat",
        "our compliance key is sk-ant-api01-Zk3nQ8pL2vX7mR4tY9wB1cD6fH0jK5sA-_eUiOoPq do not share",
        [("api_key", "sk-ant-api01-Zk3nQ8pL2vX7mR4tY9wB1cD6fH0jK5sA-_eUiOoPq")],
    ),
    (
        "json",
        '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-Rt5Yh8Jk2Lm9Np4Qs7Vw1Xz3Bc6Df0Gh-IjKlMnOpQrSt","refreshToken":"sk-ant-ort01-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv-WxYzAbCdEfGh"}}',
        [
            ("api_key", "sk-ant-oat01-Rt5Yh8Jk2Lm9Np4Qs7Vw1Xz3Bc6Df0Gh-IjKlMnOpQrSt"),
            ("api_key", "sk-ant-ort01-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv-WxYzAbCdEfGh"),
        ],
    ),
    (
        "cookie",
        "Cookie: sessionKey=sk-ant-sid01-Pq7Wm2Xn9Rb4Ty6Uv8Zk1Ls3Hd5Fg0Jc-AbCdEfGhIjKl; lastActiveOrg=abc",
        [("api_key", "sk-ant-sid01-Pq7Wm2Xn9Rb4Ty6Uv8Zk1Ls3Hd5Fg0Jc-AbCdEfGhIjKl")],
    ),
    (
        "chat",
        "hey, the staging db password is Tr0ub4dor&3 — please rotate it after the demo",
        [("password", "Tr0ub4dor&3")],
    ),
    ("chat", "pw is hunter2, user is admin", [("password", "hunter2")]),
    ("chat", "the router admin password: Kx!94mPq", [("password", "Kx!94mPq")]),
    ("chat", "minha senha é Brasil2024! e não consigo entrar", [("password", "Brasil2024!")]),
    ("chat", "mon mot de passe est Soleil_77 depuis hier", [("password", "Soleil_77")]),
    ("chat", "パスワードは Sakura2024 です", [("password", "Sakura2024")]),
    (
        "cli",
        "PGPASSWORD='Pg!9xQz2' psql -h 10.1.2.3 -U etl warehouse",
        [("password", "Pg!9xQz2"), ("ip_address", "10.1.2.3")],
    ),
    (
        "config",
        "spring.datasource.url=jdbc:mysql://db:3306/shop?user=shop&password=Sh0pP4ss\nspring.jpa.show-sql=true",
        [("password", "Sh0pP4ss")],
    ),
    (
        "config",
        '<connectionStrings><add name="Main" connectionString="Server=sql1;Database=crm;User Id=sa;Password=Crm#2024;"/></connectionStrings>',
        [("password", "Crm#2024")],
    ),
    (
        "chat",
        "I'm Dana, you can reach me at dana.whitfield@contoso.io or 617-555-0142.",
        [("email", "dana.whitfield@contoso.io"), ("phone", "617-555-0142")],
    ),
    (
        "chat",
        "My SSN is 512-84-3369 and DOB 04/12/1988, can you fill the form?",
        [("ssn", "512-84-3369")],
    ),
    ("chat", "Card: 4539 1488 0343 6467 exp 09/26", [("credit_card", "4539 1488 0343 6467")]),
    ("chat", "amex 3714 496353 98431 for the hotel", [("credit_card", "3714 496353 98431")]),
    (
        "log",
        "Mar 12 08:01:22 web1 sshd[2231]: Failed password for root from 198.51.100.23 port 52144 ssh2",
        [("ip_address", "198.51.100.23")],
    ),
    (
        "log",
        "upstream 2001:db8:4006:812::200e timed out",
        [("ip_address", "2001:db8:4006:812::200e")],
    ),
    (
        "chat",
        "Reach our Berlin office on +49 30 901820 or London +44 20 7946 0958.",
        [("phone", "+49 30 901820"), ("phone", "+44 20 7946 0958")],
    ),
    (
        "http",
        "Authorization: Bearer ya29.a0AfB_byC8xZ2kLmN4pQ7rS9tV1wX3yZ5aB7cD9eF1gH3iJ5kL7",
        [("bearer_token", "ya29.a0AfB_byC8xZ2kLmN4pQ7rS9tV1wX3yZ5aB7cD9eF1gH3iJ5kL7")],
    ),
    (
        "config",
        "[default]\naws_access_key_id = AKIAZ7Q3XK2LMNOP4RST\naws_secret_access_key = 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",
        [
            ("api_key", "AKIAZ7Q3XK2LMNOP4RST"),
            ("api_key", "q8ZrT1vYh3Kw9XbN2mLp5sDfGj7HcV4aUe6Ri/Oo"),
        ],
    ),
    (
        "chat",
        "post alerts to https://hooks.slack.com/services/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 please",
        [
            (
                "api_key",
                "https://hooks.slack.com/services/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",
            )
        ],
    ),
    ("chat", "ssn 401 55 7789 for the tax form", [("ssn", "401 55 7789")]),
    (
        "csv",
        "first,last,ssn\nAna,Lopez,387-21-9054\nBo,Kim,219-44-1180",
        [("ssn", "387-21-9054"), ("ssn", "219-44-1180")],
    ),
    ("chat", "call me: (212) 555-0187", [("phone", "(212) 555-0187")]),
    ("chat", "my cell number is 4155550199", [("phone", "4155550199")]),
    (
        "cli",
        "sshpass -p 'D3pl0y!Now' ssh deploy@10.20.30.40",
        [("password", "D3pl0y!Now"), ("ip_address", "10.20.30.40")],
    ),
    ("chat", "creds for the test tenant: qa-bot / Qa!tenant99", [("password", "Qa!tenant99")]),
]

HAND_NEGATIVE: list[Case] = [
    (
        "chat",
        "How do I store an API key safely? Should I use an env var like ANTHROPIC_API_KEY?",
        [],
    ),
    ("chat", "Set ANTHROPIC_API_KEY=sk-ant-api03-... in your shell before running the script.", []),
    ("docs", 'export OPENAI_API_KEY="sk-proj-YOUR_KEY_HERE"', []),
    ("docs", "Authorization: Bearer <token>", []),
    ("docs", 'curl -H "Authorization: Bearer $TOKEN" https://api.example.com', []),
    ("docs", "password: ${DB_PASSWORD}", []),
    ("docs", "DB_PASSWORD=changeme", []),
    ("docs", "postgres://user:password@localhost:5432/mydb", []),
    ("chat", "My password is too short according to the form, what are the rules?", []),
    ("chat", "The password is incorrect even though I reset it twice.", []),
    ("chat", "Your password must contain at least one number and one symbol.", []),
    ("chat", "I forgot my password, how do I reset it?", []),
    ("code", "if not check_password(password, user.password_hash):\n    raise AuthError()", []),
    ("code", "password = request.form.get('password')", []),
    ("code", "hashed = '$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW'", []),
    ("config", "password_min_length: 12\npassword_expiry_days: 90", []),
    ("chat", "The boarding pass is in my email, flight at 10:45", []),
    ("chat", "Please mask card numbers like 4111 **** **** 1111 in the UI.", []),
    ("chat", "Our test SSN placeholder is 123-45-6789, never a real one.", []),
    ("chat", "Call 911 or 1-800-FLOWERS, ha", []),
    ("chat", "The meeting is at 14:30:00 in room 3.14", []),
    ("chat", "Compute 3.14159 * 2.71828 and round to 4 places", []),
    ("log", "GET /api/v1/orders?page=2&per_page=100 200 12ms", []),
    ("log", "2024-05-17 10:22:33,123 INFO [main] Started Application in 4.521 seconds", []),
    ("csv", "sku,qty,price\nA-1001,3,19.99\nB-2002,1,249.00", []),
    ("code", "const version = '2.10.3.1';", []),
    ("chat", "python 3.11.7 and numpy 1.26.4 on ubuntu 22.04", []),
    ("chat", "SNMP OID 1.3.6.1.2.1.1.3.0 returns uptime", []),
    ("code", 'std::vector<std::string> names; names.push_back("x");', []),
    ("chat", "ping me @sam and @lee.k about it", []),
    ("code", "import { Component } from '@angular/core@17.1.0';", []),
    ("chat", "use the <token> placeholder in the template, e.g. {{ token }}", []),
    (
        "docs",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n-----END PUBLIC KEY-----",
        [],
    ),
    (
        "docs",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\nRTESMBAGA1UEChMJQmFsdGltb3JlMRMwEQYDVQQLEwpDeWJlclRydXN0MSIwIAYD\n-----END CERTIFICATE-----",
        [],
    ),
    (
        "chat",
        "Where do I put the private key? Between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY----- right?",
        [],
    ),
    ("code", "jwt = 'eyJhbGciOiJIUzI1NiJ9.<payload>.<signature>'", []),
    ("chat", "the token expired, I get 'invalid_token' on every call", []),
    ("config", "max_tokens: 4096\ntemperature: 0.7\nmodel: claude-sonnet-4", []),
    (
        "config",
        "token_url: https://oauth2.googleapis.com/token\nclient_id: 1234567890-abc.apps.googleusercontent.com",
        [],
    ),
    ("chat", "AWS docs show AKIAIOSFODNN7EXAMPLE as an example key id", []),
    ("chat", "secret_name = prod/payments/stripe-api-key in Secrets Manager", []),
    ("code", "STRIPE_PUBLISHABLE_KEY = 'pk_live_51HqZx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk'", []),
    ("chat", "Phone numbers in the US look like (XXX) XXX-XXXX", []),
    ("chat", "Invoice INV-2024-000123 total $1,234.56 due 2024-06-30", []),
    ("chat", "coordinates 40.7128, -74.0060 and 51.5074, -0.1278", []),
    ("log", "pid=44123 tid=44125 mem=1048576 cpu=12.5%", []),
    ("chat", "the IMEI on the box is 490154203237518", []),
    ("chat", "release v1.2.3.4 is out, and 10.0.0 is next", []),
    ("chat", "netmask 255.255.255.0, gateway is the .1", []),
    ("code", "user@host:~$ ls -la", []),
    ("chat", "Basic authentication is being deprecated next quarter", []),
    ("chat", "Bearer tokens should be rotated every 90 days", []),
    ("code", "def get_api_key():\n    return os.environ['API_KEY']", []),
    ("code", "api_key = settings.ANTHROPIC_API_KEY", []),
    ("chat", "what does 'mysql -u root -p' do exactly?", []),
    (
        "chat",
        "ghp_ tokens are GitHub classic PATs; ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx is the shape",
        [],
    ),
    ("chat", "the average is 1234 5678 9012 3456 units?? no wait that's a typo", []),
    ("csv", "date,visits\n2024-05-01,1203\n2024-05-02,998\n2024-05-03,1404", []),
]


# Written after the detectors, without running them first (a check against tuning to the
# corpus); kept even where the engine gets them wrong.
_B64_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACBnF7Z3kQ9xL2mR8vT4yW6pA1sD3fG5hJ7kL9zX0cV2bN"
BLIND_POSITIVE: list[Case] = [
    (
        "chat",
        "no wait here's the real one: sk-proj-4fJ9aK2mQ7xL1pZ8vR3tY6wB0cN5hD2gE7jS4uI9oP1qA8lW3rT6yU0iO5pL2kJ9hG4fD7sA1zX",
        [
            (
                "api_key",
                "sk-proj-4fJ9aK2mQ7xL1pZ8vR3tY6wB0cN5hD2gE7jS4uI9oP1qA8lW3rT6yU0iO5pL2kJ9hG4fD7sA1zX",
            )
        ],
    ),
    (
        "json",
        '{"key": "-----BEGIN OPENSSH PRIVATE KEY-----\\n'
        + _B64_BODY
        + '\\n-----END OPENSSH PRIVATE KEY-----\\n"}',
        [
            (
                "private_key",
                "-----BEGIN OPENSSH PRIVATE KEY-----\\n"
                + _B64_BODY
                + "\\n-----END OPENSSH PRIVATE KEY-----",
            )
        ],
    ),
    ("signature", "Tél. : +33 1 42 68 53 00", [("phone", "+33 1 42 68 53 00")]),
    (
        "chat",
        "email me at first.last@sub.domain.museum",
        [("email", "first.last@sub.domain.museum")],
    ),
    ("form", "SSN#: 482-19-4410", [("ssn", "482-19-4410")]),
    ("chat", "Card no. 5105-1051-0510-5100", [("credit_card", "5105-1051-0510-5100")]),
    ("chat", "cc: 6011000990139424 exp 12/25", [("credit_card", "6011000990139424")]),
    ("chat", "its 4242424242424242 lol", [("credit_card", "4242424242424242")]),
    ("yaml", "smtp:\n  password: 'p@ss w0rd with spaces'", [("password", "p@ss w0rd with spaces")]),
    (
        "http",
        "Set-Cookie: token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1aWQiOjQyLCJyb2xlIjoiYWRtaW4ifQ.dGhpcy1pcy1hLWZha2Utc2lnbmF0dXJl; HttpOnly",
        [
            (
                "bearer_token",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1aWQiOjQyLCJyb2xlIjoiYWRtaW4ifQ.dGhpcy1pcy1hLWZha2Utc2lnbmF0dXJl",
            )
        ],
    ),
    (
        "http",
        "x-api-key: 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
        [("api_key", "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c")],
    ),
    (
        "cli",
        "heroku config:set SECRET_KEY_BASE=8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b",
        [("api_key", "8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b")],
    ),
    ("chat", "the Wi-Fi pw: CoffeeShop#2024", [("password", "CoffeeShop#2024")]),
    ("chat", "User: admin Pass: Adm!n2023", [("password", "Adm!n2023")]),
    (
        "config",
        "DATABASE_URL=mysql://root:Sup3r$ecret@127.0.0.1:3306/app",
        [("password", "Sup3r$ecret"), ("ip_address", "127.0.0.1")],
    ),
    ("config", "REDIS_URL=redis://:r3d1sP4ss@cache:6379/0", [("password", "r3d1sP4ss")]),
    (
        "cli",
        "git clone https://oauth2:glpat-Ab3dEf6hIj9kLm2nOp5q@gitlab.com/x/y",
        [("api_key", "glpat-Ab3dEf6hIj9kLm2nOp5q")],
    ),
    (
        "signature",
        "Contact: +1 (646) 555-0132 / maria.g@globex.co.uk",
        [("phone", "+1 (646) 555-0132"), ("email", "maria.g@globex.co.uk")],
    ),
    (
        "chat",
        "IPs: 172.16.0.10, 172.16.0.11",
        [("ip_address", "172.16.0.10"), ("ip_address", "172.16.0.11")],
    ),
    ("chat", "server at [2001:db8::1]:8080", [("ip_address", "2001:db8::1")]),
    (
        "cli",
        "curl --user ops:Ops_Pass_42 https://metrics.example.com",
        [("password", "Ops_Pass_42")],
    ),
    ("cli", "docker login -u bob -p Dk3r!Hub registry.example.io", [("password", "Dk3r!Hub")]),
    (
        "cli",
        "kubectl create secret generic db --from-literal=password=K8s!Secret",
        [("password", "K8s!Secret")],
    ),
    (
        "config",
        "[web]\n10.0.0.5 ansible_user=deploy ansible_ssh_pass=Ans!ble99",
        [("password", "Ans!ble99"), ("ip_address", "10.0.0.5")],
    ),
    ("http", "Authorization: token ghp_a8Zk2Lm9Qx4Rt7Vb1Nc5Hd3Fg6Jp0Ws2HGfgx", []),
    ("chat", "Reply to John.SMITH@Example.COM please", [("email", "John.SMITH@Example.COM")]),
    (
        "chat",
        "send it to my work email — r.patel@initech.de — not the personal one",
        [("email", "r.patel@initech.de")],
    ),
    (
        "json",
        '{"text":"use key sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVcXzQwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUiOpAsDfGhJkLzXcVbNmQwErTyAA\\n"}',
        [
            (
                "api_key",
                "sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVcXzQwErTyUiOpAsDfGhJkLzXcVbNmQwErTyUiOpAsDfGhJkLzXcVbNmQwErTyAA",
            )
        ],
    ),
    ("chat", "my cell +1.212.555.0143", [("phone", "+1.212.555.0143")]),
    ("form", "DOB 1985-07-23 SSN 529 33 1842", [("ssn", "529 33 1842")]),
    (
        "chat",
        "ok so the login for the router is admin and the password is R0uter!Pass",
        [("password", "R0uter!Pass")],
    ),
    ("chat", "try logging in with jsmith / Welcome2024!", [("password", "Welcome2024!")]),
    (
        "chat",
        "His number: 312-555-0176. Hers: 312-555-0177.",
        [("phone", "312-555-0176"), ("phone", "312-555-0177")],
    ),
    (
        "csv",
        "name,ip\nweb-1,192.0.2.10\nweb-2,192.0.2.11",
        [("ip_address", "192.0.2.10"), ("ip_address", "192.0.2.11")],
    ),
    (
        "chat",
        "here you go: AKIA4QWERTYUIOPASDFG and the secret is in 1password",
        [("api_key", "AKIA4QWERTYUIOPASDFG")],
    ),
]
BLIND_POSITIVE[24] = ("http", "Authorization: token " + github(), [])
BLIND_POSITIVE[24] = (
    BLIND_POSITIVE[24][0],
    BLIND_POSITIVE[24][1],
    [("api_key", BLIND_POSITIVE[24][1].split()[-1])],
)

BLIND_NEGATIVE: list[Case] = [
    ("chat", "The total came to 1,234,567.89 USD", []),
    ("chat", "Flight UA 1234, seat 12C, confirmation 6X9K2P", []),
    ("log", "Error code 0x80070005 at 12:45:07.123", []),
    ("chat", "lat/long 37.7749,-122.4194", []),
    ("log", "build 20240517.3 deployed to 10 hosts", []),
    ("chat", "chmod 755 and umask 022", []),
    ("chat", "The password field should be type=password in HTML", []),
    ("code", '<input type="password" name="password" placeholder="Password">', []),
    ("chat", "Temperature 98.6F, BP 120/80, pulse 72", []),
    ("chat", "ISBN-13: 9780306406157", []),
    ("chat", "Tracking: 1Z999AA10123456784", []),
    ("chat", "The SSN format is XXX-XX-XXXX", []),
    ("chat", "Please never send passwords over chat. If you did, rotate it.", []),
    ("chat", "We rotate the API key every 30 days; the current one is stored in Vault.", []),
    ("chat", "password123 is the most common password", []),
    ("config", "token: null\napi_key: ''\npassword: None", []),
    ("docs", "RFC 7617 example: Authorization: Basic dXNlcjpwYXNz", []),
    ("chat", "Order #112-4829371-4829371 arrived damaged", []),
    ("chat", "Call me maybe: 555-1234", []),
    ("chat", "ID: 2024-0517-1122-3344", []),
    ("chat", "Serial: 4F3K-99XZ-12AB", []),
    ("chat", "phone model: iPhone 15 Pro, iOS 17.4.1", []),
    ("log", "at 2024-05-17 10:22:33.123456 UTC", []),
    ("chat", "macOS Version 10.15.7 (19H2026)", []),
    ("log", "time 10:30:15.250", []),
    ("log", "bridge aa:bb:cc:dd:ee:ff up", []),
    ("docs", "value ::= expr | term", []),
    ("chat", "Run `python -m http.server 8000` then open localhost:8000", []),
    ("chat", "The key is in the drawer next to the door", []),
    ("config", "api_key=YOUR_KEY\ntoken=abc", []),
    ("chat", "jwt.io shows header eyJhbGciOiJIUzI1NiJ9 only", []),
    ("chat", "hash: 5f4dcc3b5aa765d61d8327deb882cf99", []),
    ("chat", "my email is broken, please help", []),
    ("chat", "user@localhost and root@127", []),
    ("chat", "photo IMG_20240517_102233.jpg", []),
    ("code", "Version=1.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089", []),
    ("log", "npm WARN deprecated request@2.88.2", []),
    (
        "cli",
        "docker pull nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
        [],
    ),
    ("chat", "Meet me at 1600 Amphitheatre Pkwy, Mountain View, CA 94043", []),
    ("log", "sessionId=8f14e45fceea167a5a36dedd4bea2543 path=/cart", []),
    ("chat", "the ratio was 3.14159265358979 in the notebook", []),
    ("chat", "I passed the exam! pass rate was 78%", []),
    ("code", "assert response.status_code == 200, response.text", []),
    ("chat", "room 1203, floor 12, badge 004512", []),
    ("log", "GET /v1/users/5521 200 0.003s 203 bytes", []),
]


# A second held-out batch, also written before running the engine. Its first-run figures
# are recorded in the accuracy benchmark's docstring; later fixes may make it look better.
_DSA_BODY = (
    "MIIBuwIBAAKBgQD"
    + "Qz8vK3mN5pL2xR7tY9wB1cD6fH0jK4sA8eUiOoPqZx2Cv4Bn6Mm8Ll0Kk2Jj4Hh6Gg8Ff0Dd2Ss4Aa6"
    + "\n"
    + "Zz8Xx0Cc2Vv4Bb6Nn8Mm0Qq2Ww4Ee6Rr8Tt0Yy2Uu4Ii6Oo8Pp0Aa2Ss4Dd6Ff8Gg0Hh2Jj4Kk6Ll8"
)
HELDOUT_POSITIVE: list[Case] = [
    (
        "chat",
        "Here's my .pgpass line: db.example.com:5432:app:appuser:Pg#Pass2024",
        [("password", "Pg#Pass2024")],
    ),
    ("chat", "my visa is 4111-1111-1111-1111, exp 1/28", [("credit_card", "4111-1111-1111-1111")]),
    ("chat", "social: 234 56 7890", [("ssn", "234 56 7890")]),
    ("chat", "Can you check my ssn 234567890?", [("ssn", "234567890")]),
    ("chat", "WhatsApp: +91 98765 43210", [("phone", "+91 98765 43210")]),
    ("chat", "fax +1 212 555 0100", [("phone", "+1 212 555 0100")]),
    ("chat", "the resolver ip is 8.8.4.4", [("ip_address", "8.8.4.4")]),
    ("log", "neighbor fe80::1%eth0 reachable", [("ip_address", "fe80::1")]),
    (
        "config",
        "aws_secret_access_key=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ab",
        [("api_key", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/ab")],
    ),
    (
        "json",
        '{"Authorization": "Bearer sk-ant-oat01-Wq3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw9Er1Ty3"}',
        [("api_key", "sk-ant-oat01-Wq3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw9Er1Ty3")],
    ),
    (
        "config",
        "token: xoxp-2384729384-2384729384729-2384729384729-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        [
            (
                "api_key",
                "xoxp-2384729384-2384729384729-2384729384729-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            )
        ],
    ),
    (
        "chat",
        "stripe key rk_test_51AbcDefGhiJklMnoPqrStuVwx",
        [("api_key", "rk_test_51AbcDefGhiJklMnoPqrStuVwx")],
    ),
    (
        "cli",
        "export HF_TOKEN=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",
        [("api_key", "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")],
    ),
    ("chat", 'Password for the VPN is "N0rth#Star"', [("password", "N0rth#Star")]),
    ("config", "passwd: hunter22", [("password", "hunter22")]),
    ("chat", "PW: Sp4rkle!", [("password", "Sp4rkle!")]),
    ("cli", "./connect pass=Zebra!99 user=ops", [("password", "Zebra!99")]),
    ("chat", "my password was changed to Autumn#2023 yesterday", [("password", "Autumn#2023")]),
    ("chat", "The password is: Lion$Heart7", [("password", "Lion$Heart7")]),
    ("chat", "here are the creds\nuser: analyst\npass: An@lyst2024", [("password", "An@lyst2024")]),
    (
        "chat",
        "-----BEGIN DSA PRIVATE KEY-----\n" + _DSA_BODY + "\n-----END DSA PRIVATE KEY-----",
        [
            (
                "private_key",
                "-----BEGIN DSA PRIVATE KEY-----\n" + _DSA_BODY + "\n-----END DSA PRIVATE KEY-----",
            )
        ],
    ),
    (
        "log",
        "redirect https://app.example.com/callback#id_token=eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ1c2VyLTQyIiwiYXVkIjoiYXBwIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmUtMTIz&state=xyz",
        [
            (
                "bearer_token",
                "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ1c2VyLTQyIiwiYXVkIjoiYXBwIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmUtMTIz",
            )
        ],
    ),
    (
        "chat",
        "write to ops-team@alerts.company.co.jp if it pages again",
        [("email", "ops-team@alerts.company.co.jp")],
    ),
    (
        "config",
        "DB=mysql://admin:Adm1n%40123@10.0.0.9/db",
        [("password", "Adm1n%40123"), ("ip_address", "10.0.0.9")],
    ),
    (
        "chat",
        "Ich habe mein Kennwort vergessen, es lautet Blume!2024",
        [("password", "Blume!2024")],
    ),
    ("chat", "Mi clave es Perro#2020", [("password", "Perro#2020")]),
    ("chat", "mon mot de passe: Chat!Noir9", [("password", "Chat!Noir9")]),
    ("config", "Passwort: Geheim#123", [("password", "Geheim#123")]),
    ("config", "senha: Tr0c@r123", [("password", "Tr0c@r123")]),
    ("config", "пароль: Qwerty!2024", [("password", "Qwerty!2024")]),
]
HELDOUT_NEGATIVE: list[Case] = [
    ("chat", "SSN: 078-05-1120 is the famous Woolworth number", []),
    ("chat", "Version 3.2.1.0 of the driver fixes it", []),
    ("chat", "call extension 4412 if you need me", []),
    ("chat", "The year 2024 had 366 days; 2023-12-31 was a Sunday", []),
    ("chat", "PO Box 1234, Springfield, IL 62704", []),
    ("chat", "Part number 1234-567-8901 is backordered", []),
    ("chat", "password reset link: https://example.com/reset?token=abc", []),
    ("chat", "Please enter your password:", []),
    ("chat", "password: (see 1Password vault entry 'prod-db')", []),
    ("chat", "the pw field is empty on submit", []),
    ("config", "api_key: <redacted>", []),
    ("docs", "Bearer token format: Bearer <base64 string>", []),
    ("code", "hash = sha256(password + salt)", []),
    ("docs", "user:password@host is the URL format", []),
    ("docs", "a JWT looks like xxxxx.yyyyy.zzzzz", []),
    ("log", "MAC 3C:22:FB:12:34:56 joined", []),
    ("log", "Build #20240517.1234.5678 green", []),
    ("log", "Error 0xC0000005 at address 0x7FF6A1B2C3D4", []),
    ("chat", "dimensions 1920x1080 at 60Hz, 3840x2160 for 4k", []),
    ("chat", "coords: 48.8566° N, 2.3522° E", []),
    ("chat", "The account number format is ########", []),
    ("chat", "Ticket ABC-1234 blocked by DEF-5678", []),
    ("chat", "my e-mail address is on file", []),
    ("chat", "@channel please review before 5", []),
    ("chat", "docs at https://docs.example.com/v2.1.0/api", []),
    ("code", "SELECT * FROM users WHERE email = ?", []),
    ("chat", "Phone: (555) 555-5555", []),
    ("chat", "temperature was 36.6 and BP 120/80", []),
    ("chat", "order 112-3456789-1234567 is late", []),
    ("log", "sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709", []),
    ("log", "UUID: 550e8400-e29b-41d4-a716-446655440000", []),
]


def main() -> None:
    rows = []
    groups = [
        ("hp", "positive", HAND_POSITIVE),
        ("hn", "hard_negative", HAND_NEGATIVE),
        ("tp", "positive", positives()),
        ("tn", "hard_negative", hard_negatives()),
        ("bp", "positive", BLIND_POSITIVE),
        ("bn", "hard_negative", BLIND_NEGATIVE),
        ("hop", "positive", HELDOUT_POSITIVE),
        ("hon", "hard_negative", HELDOUT_NEGATIVE),
    ]
    for prefix, kind, cases in groups:
        for index, (source, text, expected) in enumerate(cases):
            for _category, value in expected:
                assert value in text, (source, value, text)
            rows.append(
                {
                    "id": f"{prefix}-{index:03d}",
                    "source": source,
                    "kind": kind,
                    "text": text,
                    "expected": [{"category": c, "value": v} for c, v in expected],
                }
            )
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds = {
        kind: sum(row["kind"] == kind for row in rows) for kind in ("positive", "hard_negative")
    }
    print(f"wrote {len(rows)} cases to {OUT} ({kinds})")


if __name__ == "__main__":
    main()
