"""Passwords holding brackets and other punctuation are found; code that reads one is not.

Issue 13, class 7: a password containing `(` or `[` was never detected (any bracket made the
value a "code reference", and `<…>` / `[…]` anywhere made it a placeholder).
"""

from __future__ import annotations

import pytest

from scanners import Category, Engine, load_engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return load_engine(secret=b"test-installation-secret")


BRACKETED = [
    "Xk9(mP2v!Q7",
    "Ab[12]cd#9z",
    "Qz{7}wX!k2",
    "Tr0ub(4)dor!",
    "Zq8[rT5x",
    "Pa(ss)w0rd9",
    "W1n)t3r]24",
    "(Xk9mP2v",
    "[Br4ck3t]s9",
    "Gh|7\\kL9m",
    "Mv~3^Tz8#",
    "a(b)c[d]e{f}9X",
]
# Angle brackets are markup in XML text and may not start an unquoted value.
ANGLED = ["Hn<2>xY7q", "Zz>9<aQ2w"]

CONTEXTS = {
    "bare": "DB_PASSWORD={}",
    "yaml": "password: {}\nuser: bob",
    "dq": 'password: "{}"',
    "sq": "password='{}'",
    "json": '{{"username": "bob", "password": "{}"}}',
    "natural": "my password is {} ok",
    "german": "mein Passwort ist {} danke",
    "flag": "--password {} --user admin",
    "uri": "postgres://app:{}@db.example.com/app",
    "xml": "<password>{}</password>",
    "docker": "docker login -u bob -p {} registry.example.com",
}
CASES = [
    pytest.param(context, password, id=f"{context}-{password}")
    for context in CONTEXTS
    for password in [*BRACKETED, *(ANGLED if context != "xml" else [])]
]


@pytest.mark.parametrize(("context", "password"), CASES)
def test_password_with_punctuation_is_found_whole(
    engine: Engine, context: str, password: str
) -> None:
    text = CONTEXTS[context].format(password)
    found = [text[f.start : f.end] for f in engine.scan(text) if f.category == Category.PASSWORD]
    assert found == [password], (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "password = getpass()",
        "password = getpass.getpass()",
        "password = os.environ['DB_PASSWORD']",
        'password = input("Password: ")',
        "password = sys.argv[1]",
        "password = get_secret(name)",
        "password = get_secret(SECRET_NAME)",
        'password = vault("db").read()',
        "password = secrets['db'].value",
        'password: "[REDACTED]"',
        "password: <password>",
        'password: "<your password>"',
        "password: (see 1Password vault entry 'prod-db')",
        "password: [optional]",
        "password: (none)",
        "the password is (hidden)",
        "DB_PASSWORD=<%= ENV['DB_PASSWORD'] %>",
        "<td>password=</td>",
    ],
)
def test_code_and_placeholders_with_brackets_are_not_passwords(engine: Engine, text: str) -> None:
    found = [text[f.start : f.end] for f in engine.scan(text) if f.category == Category.PASSWORD]
    assert not found, (text, found)
