# ruff: noqa: E501 - a data table of chat messages; wrapping them would hide the cases.
"""Build the round-2 held-out batch (heldout_r2.jsonl) for benchmarks/scan_accuracy.py.

Written in one sitting before any detector of issue 15 existed and scored once, untouched,
with the engine of that day (the first score is in benchmarks/scan_accuracy.py's docstring).
The cases cover the classes issue 15 names: OAuth access tokens inside JSON, "Bearer token: X"
in prose, SSNs without dashes in a labelled CSV column, phone numbers in other countries'
national formats (the text names the country, or the case carries the organization's region),
national identity and tax numbers of 20+ countries, IBANs and labelled bank account / routing
numbers; and the hard negatives beside them: order numbers, ISBNs, invoice ids, dates,
phone-like part numbers, placeholders and checksum-invalid look-alikes.

Same line shape as scan_cases.jsonl ({"id","source","kind","text","expected"}), plus an
optional "region" (ISO 3166 alpha-2): the organization's default region for that case.
Values are synthetic: random bodies whose check digits are computed, nothing real.

Run: python benchmarks/corpus/build_heldout_r2.py   (deterministic; seed below)
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import phonenumbers
from stdnum import iban, luhn, verhoeff
from stdnum.au import tfn
from stdnum.be import nn as be_nn
from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.cn import ric
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.jp import in_ as mynumber
from stdnum.kr import rrn
from stdnum.mx import curp
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.se import personnummer
from stdnum.us import rtn
from stdnum.za import idnr as za_idnr

SEED = 15_2026
OUT = Path(__file__).with_name("heldout_r2.jsonl")
rng = random.Random(SEED)
DIGITS = string.digits
UPPER = string.ascii_uppercase
B62 = string.digits + string.ascii_letters


def digits(n: int, first: str = DIGITS) -> str:
    return rng.choice(first) + "".join(rng.choice(DIGITS) for _ in range(n - 1))


def until_valid(module: ModuleType, make: Callable[[], str]) -> str:
    for _ in range(100_000):
        value = make()
        if module.is_valid(value):
            return value
    raise RuntimeError(f"no valid {module.__name__} generated")


def until_invalid(module: ModuleType, make: Callable[[], str]) -> str:
    for _ in range(1000):
        value = make()
        if not module.is_valid(value):
            return value
    raise RuntimeError(f"no invalid {module.__name__} generated")


def date6() -> str:
    return f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


# --- national identity and tax numbers (valid check digits) -------------------------------


def nino() -> str:
    # HMRC: two prefix letters (not D F I Q U V; second not O; not BG GB KN NK NT TN ZZ), six digits, A-D.
    while True:
        a, b = rng.choice("ABCEGHJKLMNPRSTWXYZ"), rng.choice("ABCEGHJKLMNPRSTWXYZ")
        if a + b not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            return f"{a}{b} {digits(2)} {digits(2)} {digits(2)} {rng.choice('ABCD')}"


def steuer_id() -> str:
    return until_valid(idnr, lambda: digits(11, "123456789"))


def nir_fr() -> str:
    body = f"{rng.choice('12')}{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.choice(['75', '69', '13', '33', '59'])}{digits(3)}{digits(3)}"
    return nir.format(body + nir.calc_check_digits(body))


def dni_es() -> str:
    body = digits(8)
    return body + dni.calc_check_digit(body)


def nie_es() -> str:
    body = rng.choice("XYZ") + digits(7)
    return body + nie.calc_check_digit(body)


def cf_it() -> str:
    months = "ABCDEHLMPRST"
    body = (
        "".join(rng.choice("BCDFGHLMNPRSTVZ") for _ in range(6))
        + f"{rng.randint(50, 99):02d}"
        + rng.choice(months)
        + f"{rng.randint(1, 28) + rng.choice([0, 40]):02d}"
        + rng.choice("ABCDEFGHLM")
        + digits(3)
    )
    return body + codicefiscale.calc_check_digit(body)


def bsn_nl() -> str:
    return until_valid(bsn, lambda: digits(9, "123456789"))


def nn_be() -> str:
    return be_nn.format(until_valid(be_nn, lambda: date6() + digits(5)))


def pesel_pl() -> str:
    body = date6() + digits(4)
    return body + pesel.calc_check_digit(body)


def pnr_se() -> str:
    body = date6() + digits(3)
    value = f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"
    assert personnummer.is_valid(value), value
    return value


def sin_ca() -> str:
    body = digits(8, "12345679")
    value = body + luhn.calc_check_digit(body)
    assert sin.is_valid(value), value
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def aadhaar_in() -> str:
    body = digits(11, "23456789")
    value = body + verhoeff.calc_check_digit(body)
    assert aadhaar.is_valid(value)
    return f"{value[:4]} {value[4:8]} {value[8:]}"


def pan_in() -> str:
    value = (
        "".join(rng.choice(UPPER) for _ in range(3))
        + rng.choice("PCHFT")
        + rng.choice(UPPER)
        + digits(4)
        + rng.choice(UPPER)
    )
    assert pan.is_valid(value), value
    return value


def cpf_br() -> str:
    return cpf.format(until_valid(cpf, lambda: digits(11)))


def tfn_au() -> str:
    return tfn.format(until_valid(tfn, lambda: digits(9, "123456789")))


def mynumber_jp() -> str:
    body = digits(11)
    value = body + mynumber.calc_check_digit(body)
    return f"{value[:4]} {value[4:8]} {value[8:]}"


def rrn_kr() -> str:
    body = date6() + rng.choice("12") + digits(5)
    value = body + rrn.calc_check_digit(body)
    assert rrn.is_valid(value), value
    return f"{value[:6]}-{value[6:]}"


def curp_mx() -> str:
    def make() -> str:
        body = (
            rng.choice("BCDFGHLMPRSTV")
            + rng.choice("AEIOU")
            + rng.choice("BCDFGHLMPRSTV")
            + rng.choice(UPPER.replace("X", ""))
            + date6()
            + rng.choice("HM")
            + rng.choice(["DF", "JC", "NL", "MC", "PL"])
            + "".join(rng.choice("BCDFGHJKLMNPQRSTVWXYZ") for _ in range(3))
            + "0"
        )
        return body + curp.calc_check_digit(body)

    return until_valid(curp, make)


def za_id() -> str:
    body = date6() + digits(4) + "08"
    value = body + luhn.calc_check_digit(body)
    assert za_idnr.is_valid(value), value
    return value


def nric_sg() -> str:
    # ICA NRIC: S/T prefix, seven digits, check letter from weights 2,7,6,5,4,3,2.
    prefix = rng.choice("ST")
    body = digits(7)
    total = sum(int(d) * w for d, w in zip(body, (2, 7, 6, 5, 4, 3, 2), strict=True)) + (
        4 if prefix == "T" else 0
    )
    return prefix + body + "JZIHGFEDCBA"[total % 11]


def ric_cn() -> str:
    body = rng.choice(["110101", "310104", "440305", "510107"]) + "19" + date6() + digits(3)
    # calc_check_digit takes the whole number (its last character is ignored).
    value = body + ric.calc_check_digit(body + "0")
    assert ric.is_valid(value), value
    return value


# --- bank accounts ------------------------------------------------------------------------


def make_iban(country: str, bban: str) -> str:
    check = iban.calc_check_digits(country + "00" + bban)
    value = country + check + bban
    assert iban.is_valid(value), value
    return value


def grouped(value: str) -> str:
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def iban_de() -> str:
    return make_iban("DE", digits(18))


def iban_fr() -> str:
    # A French BBAN ends in a two-digit RIB key that stdnum checks too: try keys until one fits.
    while True:
        bban = digits(21)
        for key in range(100):
            body = bban + f"{key:02d}"
            value = "FR" + iban.calc_check_digits("FR00" + body) + body
            if iban.is_valid(value):
                return value


def iban_gb() -> str:
    return make_iban("GB", rng.choice(["NWBK", "BARC", "LOYD", "HBUK"]) + digits(14))


def iban_nl() -> str:
    while True:
        try:
            return make_iban("NL", rng.choice(["ABNA", "INGB", "RABO"]) + digits(10))
        except AssertionError:
            continue


def iban_es() -> str:
    while True:
        try:
            return make_iban("ES", digits(20))
        except AssertionError:
            continue


def iban_it() -> str:
    while True:
        try:
            return make_iban("IT", rng.choice(UPPER) + digits(10) + digits(12))
        except AssertionError:
            continue


def iban_ch() -> str:
    return make_iban("CH", digits(17))


def routing_us() -> str:
    body = rng.choice(["02", "03", "11", "12", "06", "07"]) + digits(6)
    return body + rtn.calc_check_digit(body)


# --- phones in national formats -----------------------------------------------------------


def phone(region: str, kind: str = "fixed") -> str:
    example = (
        phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        if kind == "mobile"
        else phonenumbers.example_number(region)
    )
    assert example is not None
    national = str(example.national_number)
    for _ in range(10_000):
        keep = max(2, len(national) - 6)
        candidate = national[:keep] + digits(len(national) - keep)
        number = phonenumbers.parse(candidate, region)
        if phonenumbers.is_valid_number(number) and candidate != national:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    raise RuntimeError(region)


# --- tokens -------------------------------------------------------------------------------


def opaque(n: int, alphabet: str = B62) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def ya29() -> str:
    return "ya29." + opaque(5) + "_" + opaque(60, B62 + "-_")


# --- the cases ----------------------------------------------------------------------------

Item = tuple[str, str]
cases: list[dict[str, object]] = []


def pos(prefix: str, source: str, text: str, items: list[Item], region: str | None = None) -> None:
    for _, value in items:
        assert value in text, (value, text)
    case: dict[str, object] = {
        "id": f"{prefix}-{sum(1 for c in cases if str(c['id']).startswith(prefix)):03d}",
        "source": source,
        "kind": "positive",
        "text": text,
        "expected": [{"category": c, "value": v} for c, v in items],
    }
    if region:
        case["region"] = region
    cases.append(case)


def neg(prefix: str, source: str, text: str, region: str | None = None) -> None:
    case: dict[str, object] = {
        "id": f"{prefix}-{sum(1 for c in cases if str(c['id']).startswith(prefix)):03d}",
        "source": source,
        "kind": "hard_negative",
        "text": text,
        "expected": [],
    }
    if region:
        case["region"] = region
    cases.append(case)


B = "bearer_token"
# OAuth access tokens inside JSON / dict / YAML
t = ya29()
pos(
    "r2p",
    "json",
    f'{{"access_token": "{t}", "expires_in": 3599, "token_type": "Bearer"}}',
    [(B, t)],
)
t = ya29()
pos(
    "r2p",
    "json",
    f'{{\n  "access_token" : "{t}",\n  "scope": "https://www.googleapis.com/auth/drive"\n}}',
    [(B, t)],
)
t = opaque(32)
pos(
    "r2p",
    "json",
    f'{{"access_token":"{t}","token_type":"bearer","expires_in":7200,"refresh_token":null}}',
    [(B, t)],
)
t = opaque(40, string.hexdigits.lower()[:16])
pos(
    "r2p",
    "chat",
    f'the oauth response was {{"token_type": "Bearer", "access_token": "{t}"}} and then it 401s',
    [(B, t)],
)
t = "EwB" + opaque(90, B62 + "+/")
pos(
    "r2p",
    "json",
    f'{{"token_type":"Bearer","scope":"Mail.Read","expires_in":3600,"access_token":"{t}"}}',
    [(B, t)],
)
t = "EAAB" + opaque(120)
pos("r2p", "json", f'{{"access_token": "{t}", "token_type": "bearer"}}', [(B, t)])
t = ya29()
pos("r2p", "code", f"creds = {{'access_token': '{t}', 'client_id': 'web-client'}}", [(B, t)])
t = opaque(28)
pos("r2p", "config", f"oauth:\n  access_token: {t}\n  token_type: Bearer\n", [(B, t)])
t = opaque(36, B62 + "-_")
pos("r2p", "json", f'{{"accessToken": "{t}", "expiresIn": 900}}', [(B, t)])
t, r = opaque(32), opaque(40)
pos(
    "r2p",
    "json",
    f'{{"access_token": "{t}", "refresh_token": "{r}", "token_type": "Bearer"}}',
    [(B, t), (B, r)],
)
t = "1/" + opaque(43, B62 + "-_")
pos(
    "r2p", "log", f'POST /oauth/token 200 body={{"access_token":"{t}","expires_in":3600}}', [(B, t)]
)
t = ya29()
pos(
    "r2p",
    "chat",
    f'Salut, voici la réponse OAuth : {{"access_token": "{t}"}} — le jeton expire dans une heure',
    [(B, t)],
)

# "Bearer token: X" in prose
for text_template in (
    "Bearer token: {t}",
    "here's the bearer token for staging: {t}",
    "my bearer token is {t}, it expires tonight",
    "use bearer token `{t}` for the sandbox API",
    "Der Bearer-Token lautet {t}",
    "le jeton bearer : {t}",
    "el token bearer es {t}",
    "Bearer トークンは {t} です",
    "bearer token = {t}",
    "Bearer Token - {t}",
):
    t = opaque(rng.randint(24, 44), B62 + "-_.")
    pos("r2p", "chat", text_template.format(t=t), [(B, t)])

# SSNs without dashes in a labelled CSV column
S = "ssn"


def ssn() -> str:
    while True:
        value = f"{rng.randint(1, 899):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if value[:3] != "666":
            return value


a, b = ssn(), ssn()
pos(
    "r2p",
    "csv",
    f"name,ssn,dob\nJane Doe,{a},1984-03-12\nOmar Ali,{b},1979-11-02",
    [(S, a), (S, b)],
)
a = ssn()
pos("r2p", "csv", f"employee_id,Social Security Number,department\n10442,{a},Finance", [(S, a)])
a, b, c = ssn(), ssn(), ssn()
pos(
    "r2p", "csv", f"id;nom;SSN\n1;Martin;{a}\n2;Bernard;{b}\n3;Dubois;{c}", [(S, a), (S, b), (S, c)]
)
a = ssn()
pos("r2p", "csv", f"first\tlast\tsocial_security_number\tstate\nPriya\tShah\t{a}\tNJ", [(S, a)])
a, b = ssn(), ssn()
pos(
    "r2p",
    "csv",
    f'"name","SSN","zip"\n"Tom Lee","{a}","94107"\n"Ana Ruiz","{b}","10001"',
    [(S, a), (S, b)],
)
a = ssn()
pos("r2p", "chat", f"can you dedupe this?\n\nemp,ssn_last_full,hired\n881,{a},2019-06-01", [(S, a)])
a, b = ssn(), ssn()
pos("r2p", "csv", f"member_no,ss_number,plan\n5521,{a},gold\n5522,{b},silver", [(S, a), (S, b)])
a = ssn()
pos("r2p", "csv", f"Employee,SSN,Salary\nHannah Kim,{a},88000", [(S, a)])

# Phones in national formats: country in the text, +CC elsewhere, or the org's region
P = "phone"
for region, template, kind in (
    ("GB", "our London office is on {p}", "fixed"),
    ("GB", "UK support line: {p} (9am-5pm)", "fixed"),
    ("GB", "ring me on my mobile {p}, I'm in Manchester this week", "mobile"),
    ("JP", "携帯は {p} です。東京にいます", "mobile"),
    ("JP", "Japan office phone {p}", "fixed"),
    ("DE", "Telefon Berlin: {p}", "fixed"),
    ("DE", "meine Handynummer ist {p}", "mobile"),
    ("FR", "Appelez-moi au {p}, je suis à Paris", "fixed"),
    ("FR", "mon portable : {p}", "mobile"),
    ("ES", "mi teléfono en Madrid es {p}", "fixed"),
    ("IT", "il mio cellulare è {p}", "mobile"),
    ("AU", "Sydney office: {p}, Australia", "fixed"),
    ("BR", "meu celular é {p} (São Paulo)", "mobile"),
    ("IN", "my mobile in India is {p}", "mobile"),
    ("NL", "bel me op {p}, ik zit in Amsterdam", "mobile"),
):
    p = phone(region, kind)
    pos("r2p", "chat", template.format(p=p), [(P, p)])
p1 = phone("GB")
pos("r2p", "chat", f"Main: +44 20 7946 0321. Direct line {p1}", [(P, "+44 20 7946 0321"), (P, p1)])
p1 = phone("DE")
pos("r2p", "chat", f"Zentrale +49 89 2019 0, Durchwahl: {p1}", [(P, "+49 89 2019 0"), (P, p1)])
for region in ("GB", "JP", "DE", "FR", "AU"):
    p = phone(region, rng.choice(["fixed", "mobile"]))
    pos("r2p", "chat", f"please call the customer back on {p} today", [(P, p)], region=region)

# National identity and tax numbers
N = "national_id"
for template, make in (
    ("my National Insurance number is {v}", nino),
    ("NI number: {v}", nino),
    ("Meine Steuer-ID ist {v}", steuer_id),
    ("Steueridentifikationsnummer {v} bitte ans Finanzamt", steuer_id),
    ("numéro de sécurité sociale : {v}", nir_fr),
    ("mon NIR est {v}", nir_fr),
    ("DNI {v}", dni_es),
    ("mi NIE es {v}", nie_es),
    ("codice fiscale: {v}", cf_it),
    ("Il mio codice fiscale è {v}", cf_it),
    ("BSN: {v}", bsn_nl),
    ("mijn burgerservicenummer is {v}", bsn_nl),
    ("rijksregisternummer {v}", nn_be),
    ("numéro national: {v}", nn_be),
    ("PESEL: {v}", pesel_pl),
    ("mój numer PESEL to {v}", pesel_pl),
    ("personnummer {v}", pnr_se),
    ("Mitt personnummer är {v}", pnr_se),
    ("my SIN is {v}", sin_ca),
    ("Social Insurance Number: {v}", sin_ca),
    ("Aadhaar: {v}", aadhaar_in),
    ("my aadhaar number is {v}", aadhaar_in),
    ("PAN card {v}", pan_in),
    ("PAN: {v} for the TDS form", pan_in),
    ("CPF: {v}", cpf_br),
    ("meu CPF é {v}", cpf_br),
    ("TFN {v}", tfn_au),
    ("my tax file number is {v}", tfn_au),
    ("マイナンバー: {v}", mynumber_jp),
    ("個人番号は {v} です", mynumber_jp),
    ("주민등록번호 {v}", rrn_kr),
    ("RRN: {v}", rrn_kr),
    ("CURP: {v}", curp_mx),
    ("mi CURP es {v}", curp_mx),
    ("ID number: {v} (South Africa)", za_id),
    ("SA ID {v}", za_id),
    ("NRIC: {v}", nric_sg),
    ("my NRIC is {v}", nric_sg),
    ("身份证号码：{v}", ric_cn),
    ("ID card no. {v} (中国居民身份证)", ric_cn),
):
    v = make()
    pos("r2p", "chat", template.format(v=v), [(N, v)])
v1, v2 = steuer_id(), cf_it()
pos("r2p", "csv", f"name,steuer_id\nLukas Weber,{v1}", [(N, v1)])
pos("r2p", "form", f"Nome: Elena Rossi\nCodice Fiscale: {v2}\nIndirizzo: Via Roma 1", [(N, v2)])
v = cpf_br()
pos("r2p", "ticket", f"Cliente informou o CPF {v} e pediu o reembolso", [(N, v)])
v = dni_es()
pos("r2p", "ticket", f"Adjunto el DNI del titular ({v}) para la verificación", [(N, v)])

# Bank accounts: IBANs (grouped and compact), labelled US account / routing numbers
K = "bank_account"
for template, make, group in (
    ("IBAN: {v}", iban_de, True),
    ("Bitte überweisen Sie an {v} (Sparkasse)", iban_de, False),
    ("Mon IBAN est {v}", iban_fr, True),
    ("IBAN {v}, BIC NWBKGB2L", iban_gb, True),
    ("rekeningnummer {v}", iban_nl, False),
    ("transfer to {v} please", iban_es, True),
    ("IBAN: {v}", iban_it, False),
    ("please pay into account {v}", iban_ch, True),
    ("iban={v}", iban_de, False),
    ("Vendor bank details — IBAN {v}", iban_gb, False),
):
    v = make()
    v = grouped(v) if group else v
    pos("r2p", "chat", template.format(v=v), [(K, v)])
r, acct = routing_us(), digits(10, "123456789")
pos("r2p", "chat", f"routing number {r}, account number {acct}", [(K, r), (K, acct)])
r, acct = routing_us(), digits(12, "123456789")
pos("r2p", "form", f"ABA: {r}\nAccount #: {acct}\nAccount type: checking", [(K, r), (K, acct)])
r, acct = routing_us(), digits(9, "123456789")
pos("r2p", "chat", f"direct deposit: routing {r} acct {acct}", [(K, r), (K, acct)])
r = routing_us()
pos("r2p", "chat", f"the bank's ABA routing number is {r}", [(K, r)])
acct = digits(8, "123456789")
pos("r2p", "chat", f"UK sort code 20-45-77, account number {acct}", [(K, acct)])

# --- hard negatives ---------------------------------------------------------------------
H = "r2n"
neg(H, "chat", f"order #{digits(9, '123456789')} shipped yesterday")
neg(H, "chat", f"Your order number is {digits(11, '123456789')}; keep it for returns")
neg(H, "chat", f"Bestellnummer {digits(11, '123456789')} wurde versandt")
neg(H, "chat", f"commande n° {digits(10, '123456789')} livrée")
neg(H, "chat", "ISBN 978-3-16-148410-0 is the second edition")
neg(H, "chat", "ISBN-10: 0-306-40615-2")
neg(H, "chat", "cite it as ISBN 9780306406157 please")
neg(H, "chat", "invoice INV-2024-000123 is overdue")
neg(H, "chat", f"invoice id {digits(12, '123456789')} paid on 2024-03-01")
neg(H, "chat", f"Rechnungsnummer RE-{digits(8)} vom 17.05.2024")
neg(H, "chat", "the meeting moved from 2024-05-17 to 17/06/2024")
neg(H, "chat", "born 1984-03-12, joined 2019-06-01")
neg(H, "chat", "timestamps 20240517103000 and 1715941800")
neg(H, "chat", "part number 020-7946-0958 is the left hinge")
neg(H, "chat", "P/N 090-1234-5678 rev B")
neg(H, "chat", "SKU 030-901820-11 in aisle 4")
neg(H, "chat", "Teilenummer 0 30 90 18 20 passt nicht")
neg(H, "json", '{"access_token": "<ACCESS_TOKEN>", "token_type": "Bearer"}')
neg(H, "json", '{"access_token": null, "error": "invalid_grant"}')
neg(H, "json", '{"access_token": "${ACCESS_TOKEN}", "expires_in": 3600}')
neg(H, "json", '{"token_type": "Bearer", "expires_in": 3599, "scope": "openid email"}')
neg(H, "config", "access_token: YOUR_ACCESS_TOKEN_HERE")
neg(H, "chat", "Bearer token: <your token here>")
neg(H, "chat", "the bearer token is required for every request to the API")
neg(H, "chat", "Bearer token: (paste it from the vault)")
neg(H, "chat", "how do I refresh an expired bearer token?")
neg(
    H,
    "csv",
    f"name,zip,order_id\nJane,94107,{digits(9, '123456789')}\nOmar,10001,{digits(9, '123456789')}",
)
neg(H, "csv", "name,ssn,dob\nJane Doe,XXX-XX-XXXX,1984-03-12")
neg(
    H,
    "csv",
    f"employee_id,badge,ssn_verified\n{digits(9, '123456789')},{digits(9, '123456789')},true",
)
neg(H, "csv", f"sku,qty,price\n{digits(9, '123456789')},3,19.99\n{digits(9, '123456789')},1,4.50")
neg(H, "chat", "SSN: 000000000 is the placeholder in the template")
neg(H, "chat", "IBAN: DE00 0000 0000 0000 0000 00")
neg(H, "chat", "IBAN format is DEkk bbbb bbbb cccc cccc cc")
bad_iban = iban_de()
bad_iban = bad_iban[:-1] + str((int(bad_iban[-1]) + 1) % 10)
neg(H, "chat", f"IBAN {bad_iban} (this one bounced: invalid)")
neg(H, "chat", "the routing number field is required")
neg(H, "chat", f"tracking number {digits(12, '123456789')} via UPS")
neg(
    H,
    "chat",
    f"Steuer-ID: {until_invalid(idnr, lambda: digits(11, '123456789'))} (ungültig laut Portal)",
)
neg(H, "chat", "CPF: 000.000.000-00")
neg(H, "chat", "NINO QQ 12 34 56 C is the example on the HMRC page")
neg(H, "chat", f"BSN {until_invalid(bsn, lambda: digits(9, '123456789'))} klopt niet")
neg(
    H, "chat", f"PESEL {until_invalid(pesel, lambda: date6() + digits(5))} nie przechodzi walidacji"
)
neg(H, "chat", f"customer id {digits(12, '23456789')} in Mumbai")
neg(H, "chat", f"ticket {digits(11)} was closed")
neg(H, "chat", "build 4.12.1098 released 12.05.2024")
neg(H, "chat", "coordinates 51.5072, -0.1276 for the venue")
neg(H, "chat", "the git sha is 9fceb02d0ae598e95dc970b74767f19372d61af8")
neg(H, "chat", "uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301")
neg(H, "chat", f"PO number {digits(10, '123456789')}, net 30")
neg(H, "chat", "call ext. 4521 or room 020")
neg(H, "chat", f"case number {digits(8, '123456789')}-{digits(3)} at the court")
neg(H, "chat", "Japanese product code 4901234567894 (JAN barcode)")
neg(
    H,
    "chat",
    f"Flight LH{digits(4)} on 2024-06-01, booking ref {''.join(rng.choice(UPPER) for _ in range(6))}",
)
neg(H, "chat", "We need your National Insurance number to continue — please enter it in the form")
neg(H, "chat", "Enter your Aadhaar number (12 digits) below")
neg(H, "chat", "Format: AAAAA9999A for a PAN")
neg(H, "chat", "postcode SW1A 1AA, London")
neg(H, "chat", "Die Kundennummer ist 4711-0815-42")
neg(H, "chat", "account number: ********1234", region="US")
neg(H, "chat", f"the account has {digits(7, '123456789')} followers", region="US")
neg(
    H,
    "chat",
    f"Telefon? Nein, die Zahl {digits(11, '123456789')} ist eine Seriennummer",
    region="DE",
)
neg(H, "chat", "version 090.1234.5678 of the firmware", region="JP")

if __name__ == "__main__":
    OUT.write_text(
        "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases), encoding="utf-8"
    )
    positives = sum(case["kind"] == "positive" for case in cases)
    print(
        f"wrote {len(cases)} cases ({positives} positive, {len(cases) - positives} hard negatives) to {OUT}"
    )
