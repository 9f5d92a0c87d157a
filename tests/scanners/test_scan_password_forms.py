"""The password forms of issue 15: space-separated config, XML / .NET, indirect sentences.

Each form is a template run with several passwords (found whole) and with the placeholders,
defaults and hashes the detector documents as not reported. The tuning batch
benchmarks/corpus/password_cases.jsonl is checked case by case (the held-out batch beside it
is only scored, by benchmarks/scan_accuracy.py).
"""

from __future__ import annotations

import importlib.util
import json
import string
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scanners import Category, Engine

# CPU-bound and independent: xdist spreads them over every worker (tests/fixtures/grouping.py)
pytestmark = pytest.mark.spread

CORPUS = Path(__file__).parents[2] / "benchmarks" / "corpus" / "password_cases.jsonl"

FORMS = {
    # .netrc / .htaccess-like "password X" with only a space
    "netrc-line": "machine api.example.com login bob password {}",
    "netrc-lines": "machine git.example.org\n  login deploy\n  password {}\n",
    "netrc-default": "default login anonymous password {}",
    "fetchmail": "poll mail.example.com proto IMAP user 'joe' there with password '{}'",
    "cisco": "username admin privilege 15 password 0 {}",
    "spaced-line": "[backup]\nuser backup\npassword {}\nhost nas01",
    "redis": "bind 127.0.0.1\nrequirepass {}\n",
    # XML and .NET config
    "add-key": '<add key="SmtpPassword" value="{}"/>',
    "add-key-sq": "<add key='Db.Password' value='{}' />",
    "property": '<property name="hibernate.connection.password" value="{}"/>',
    "entry": '<entry key="db.password">{}</entry>',
    "setting": '<setting name="ProxyPassword" serializeAs="String"><value>{}</value></setting>',
    "element": "<ftp-password>{}</ftp-password>",
    "connection-string": '<add name="Main" connectionString="Server=db;Password={};" />',
    # sentences without the word right before the value
    "reset-it": "your password had expired, so I reset it to {} this morning",
    "use-password": "use password '{}' for the zip file",
    "use-as": "use {} as the password for the guest network",
    "vault": "the shared 1Password entry says {}",
    "wifi-code": "the wifi code is {}",
    "type-when": "type {} when it asks for the password",
    "possessive": "the password's {}",
    "relative": "The password you need is {}.",
    "de-auf": "das Passwort habe ich auf {} geändert",
    "de-jetzt": "Das neue Passwort ist jetzt {}",
    "de-colon": "Passwort für das WLAN: {}",
    "fr-maintenant": "le mot de passe est maintenant {}",
    "fr-en": "J'ai changé le mot de passe en {} ce matin",
    "fr-colon": "Le nouveau mot de passe du wifi : {}",
    "es-nueva": "la contraseña nueva es {}",
    "es-a": "Te cambié la contraseña a {}, pruébala",
    "ja-wa": "パスワードは{}です",
    "ja-colon": "パスワード: {}",
    "ja-kagi": "新しいパスワードは「{}」です",
    "ja-changed": "パスワードを{}に変更しました",
    # short forms
    "pwd": "pwd: {}",
    "pw-is": "pw is {} for the staging box",
    "pass": "pass={}",
    "p/w": "p/w: {}",
}
PASSWORDS = ["Xk9#mP2vQ!", "Tr0ub(4)dor!", "Zq8[rT5x", "Mv~3^Tz8#", "Blu3Sky88"]
# Documented as not reported: placeholders, a known default, a hash.
NOT_PASSWORDS = [
    "changeme",
    "${DB_PASSWORD}",
    "********",
    "<password>",
    "your_password_here",
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
]


def _passwords(engine: Engine, text: str) -> list[str]:
    return [text[f.start : f.end] for f in engine.scan(text) if f.category == Category.PASSWORD]


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_each_form_finds_the_password_whole(engine: Engine, form: str, password: str) -> None:
    text = FORMS[form].format(password)
    assert _passwords(engine, text) == [password], text


@pytest.mark.parametrize("value", NOT_PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_each_form_skips_placeholders_defaults_and_hashes(
    engine: Engine, form: str, value: str
) -> None:
    text = FORMS[form].format(value)
    assert _passwords(engine, text) == [], text


def _cases() -> list[dict[str, object]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: str(case["id"]))
def test_tuning_case(engine: Engine, case: dict[str, object]) -> None:
    text = str(case["text"])
    expected = [str(item["value"]) for item in case["expected"]]  # type: ignore[attr-defined]
    assert _passwords(engine, text) == expected, text


def _benchmark() -> ModuleType:
    path = Path(__file__).parents[2] / "benchmarks" / "adversarial_scan.py"
    spec = importlib.util.spec_from_file_location("adversarial_scan", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark()
# Adversarial inputs for the new forms, judged like tests/security/test_scan_linear.py.
NEW_SHAPES = (
    *(
        BENCHMARK.Shape(f"repeat {unit!r}", unit=unit)
        for unit in (
            "machine a\nlogin b\n",
            "user a password ",
            "password ",
            '<add key="Password" ',
            '<entry key="db.password">',
            "Passwort auf ",
            "use password ",
            "use ",
            "type a when ",
            "reset it to ",
            "1Password entry ",
            "wifi code: ",
            "パスワードを",
            "password's ",
        )
    ),
    *(
        BENCHMARK.Shape(f"{head!r} + letters", head=head, alphabet=string.ascii_letters)
        for head in (
            '<add key="SmtpPassword" value="',
            "das Passwort habe ich auf ",
            "type ",
            "use ",
            "the 1Password entry says ",
            "requirepass ",
        )
    ),
)


@pytest.mark.slow
@pytest.mark.parametrize("shape", NEW_SHAPES, ids=lambda shape: shape.name)
def test_new_forms_scan_in_linear_time(engine: Engine, shape: object) -> None:
    ratio, large_time, linear = BENCHMARK.judged_growth(engine, shape)
    assert large_time < BENCHMARK.MEASURABLE or ratio < 2 * linear, (ratio, large_time)
