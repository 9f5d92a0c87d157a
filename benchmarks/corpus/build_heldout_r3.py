# ruff: noqa: E501 - a data table of chat messages; wrapping them would hide the cases.
"""Build the round-3 held-out batch (heldout_r3.jsonl): fresh cases for issue 15's classes.

Written after the round-2 detectors were tuned on heldout_r2.jsonl, and before the engine
ever ran on these: new phrasings, presentations and hard negatives for the same classes, so
their first score estimates the tuned engine on data it has not seen (recorded in
benchmarks/scan_accuracy.py's docstring). Values come from build_heldout_r2's generators
with another seed.

Run: python benchmarks/corpus/build_heldout_r3.py   (deterministic; seed below)
"""

from __future__ import annotations

import json
import string
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import build_heldout_r2 as gen

SEED = 3_2026
OUT = Path(__file__).with_name("heldout_r3.jsonl")
gen.rng.seed(SEED)
cases: list[dict[str, object]] = []


def pos(source: str, text: str, items: list[tuple[str, str]], region: str | None = None) -> None:
    for _, value in items:
        assert value in text, (value, text)
    case: dict[str, object] = {
        "id": f"r3p-{sum(c['kind'] == 'positive' for c in cases):03d}",
        "source": source,
        "kind": "positive",
        "text": text,
        "expected": [{"category": c, "value": v} for c, v in items],
    }
    if region:
        case["region"] = region
    cases.append(case)


def neg(source: str, text: str, region: str | None = None) -> None:
    case: dict[str, object] = {
        "id": f"r3n-{sum(c['kind'] == 'hard_negative' for c in cases):03d}",
        "source": source,
        "kind": "hard_negative",
        "text": text,
        "expected": [],
    }
    if region:
        case["region"] = region
    cases.append(case)


B, S, P, N, K = "bearer_token", "ssn", "phone", "national_id", "bank_account"
o = gen.opaque

# OAuth tokens in other serializations
t = o(40)
pos(
    "log",
    f'< HTTP/1.1 200 OK\n< Content-Type: application/json\n<\n{{"access_token":"{t}","token_type":"Bearer","expires_in":3600}}',
    [(B, t)],
)
t = gen.ya29()
pos("code", f'token = {{"access_token": "{t}", "expiry": "2026-12-05T19:00:00Z"}}', [(B, t)])
t = o(32)
pos("config", f"[oauth]\naccess_token = {t}\n", [(B, t)])
t = o(48, string.ascii_letters + string.digits + "-_")
pos(
    "chat",
    f"this is what the token endpoint gave me: access_token={t}&token_type=bearer&expires_in=3600",
    [(B, t)],
)
t = o(30)
pos("json", f'{{"data": {{"session": {{"accessToken": "{t}", "user": "jane"}}}}}}', [(B, t)])
# Bearer in prose
t = o(34, string.ascii_letters + string.digits + "-_.")
pos("chat", f"ok here is my Bearer token {t} — please don't share it", [(B, t)])
t = o(26)
pos("chat", f"Bearer token (prod): {t}", [(B, t)])
t = o(40)
pos("chat", f"can you check why the bearer token '{t}' gets rejected?", [(B, t)])
t = o(28)
pos("chat", f"Mi token Bearer: {t}", [(B, t)])
# CSV SSNs
a, b = gen.ssn(), gen.ssn()
pos(
    "csv",
    f"last_name|first_name|SSN|hire_date\nNguyen|Linh|{a}|2021-04-01\nGarcia|Luis|{b}|2020-02-17",
    [(S, a), (S, b)],
)
a = gen.ssn()
pos("csv", f"Name\tSocialSecurityNo\tCity\nAmy Chen\t{a}\tBoston", [(S, a)])
a = gen.ssn()
pos("chat", f"here's the export:\nid,name,tax_id_ssn\n7,R. Patel,{a}", [(S, a)])
# Phones
for region, template, kind in (
    ("GB", "You can reach our Edinburgh branch on {p}.", "fixed"),
    ("DE", "Rufen Sie uns in München an: {p}", "fixed"),
    ("FR", "Notre agence de Lyon : {p}", "fixed"),
    ("JP", "大阪オフィスの電話番号は{p}です", "fixed"),
    ("AU", "Melbourne mobile: {p}", "mobile"),
    ("ES", "Llámame al {p}, estoy en Barcelona", "mobile"),
    ("IT", "Sono a Milano, cellulare {p}", "mobile"),
    ("NL", "Rotterdam kantoor, telefoon {p}", "fixed"),
):
    p = gen.phone(region, kind)
    pos("chat", template.format(p=p), [(P, p)])
for region in ("GB", "DE", "JP"):
    p = gen.phone(region, "mobile")
    pos("chat", f"his mobile is {p} if the desk phone fails", [(P, p)], region=region)
# National ids in other presentations
for template, make in (
    ("Please update my NI no. {v} on payroll", gen.nino),
    ("Steuerliche Identifikationsnummer: {v}", gen.steuer_id),
    ("N° de sécu {v}", gen.nir_fr),
    ("NIF {v} (DNI)", gen.dni_es),
    ("CF {v}", gen.cf_it),
    ("sofinummer/BSN {v}", gen.bsn_nl),
    ("INSZ-nummer {v}", gen.nn_be),
    ("nr PESEL {v}", gen.pesel_pl),
    ("pnr: {v}", gen.pnr_se),
    ("SIN: {v}", gen.sin_ca),
    ("Aadhaar no. {v}", gen.aadhaar_in),
    ("Income tax PAN {v}", gen.pan_in),
    ("CPF do titular: {v}", gen.cpf_br),
    ("tax file no {v}", gen.tfn_au),
    ("マイナンバー（個人番号）{v}", gen.mynumber_jp),
    ("주민번호: {v}", gen.rrn_kr),
    ("CURP {v}", gen.curp_mx),
    ("RSA ID: {v}", gen.za_id),
    ("FIN/NRIC {v}", gen.nric_sg),
    ("公民身份号码 {v}", gen.ric_cn),
):
    v = make()
    pos("chat", template.format(v=v), [(N, v)])
v1, v2 = gen.pesel_pl(), gen.pesel_pl()
pos("csv", f"imie;nazwisko;pesel\nAnna;Nowak;{v1}\nJan;Kowalski;{v2}", [(N, v1), (N, v2)])
# Bank
for template, make, group in (
    ("Kontoverbindung: {v}", gen.iban_de, True),
    ("RIB / IBAN : {v}", gen.iban_fr, False),
    ("Our IBAN is {v} (Barclays)", gen.iban_gb, True),
    ("IBAN:{v}", gen.iban_nl, False),
):
    v = make()
    v = gen.grouped(v) if group else v
    pos("chat", template.format(v=v), [(K, v)])
r, acct = gen.routing_us(), gen.digits(11, "123456789")
pos("form", f"Bank: First National\nRouting #: {r}\nChecking account: {acct}", [(K, r), (K, acct)])
r = gen.routing_us()
pos("chat", f"wire instructions — ABA {r}", [(K, r)])

# Hard negatives
neg("chat", f"Order ID: {gen.digits(11, '123456789')} — shipped via DHL")
neg("chat", "ISBN 978-1-4028-9462-6 and ISBN 0-19-852663-6")
neg("chat", f"Invoice #{gen.digits(9, '123456789')} due 2026-01-15")
neg("chat", "Datum: 05.12.2026, Uhrzeit 14:30")
neg("chat", "part no. 0121-299-6037 (bracket, left)")
neg("chat", "Artikelnummer 030 844 674 00")
neg("json", '{"access_token": "", "token_type": "Bearer"}')
neg("json", '{"access_token": "REPLACE_ME", "refresh_token": "REPLACE_ME"}')
neg("chat", "the bearer token goes in the Authorization header, not in the body")
neg("chat", "Bearer token: see 1Password")
neg("csv", f"name,ssn_last4,dob\nJane,{gen.digits(4)},1990-01-01")
neg("csv", f"employee,zip,phone_ext\nAmy,02139,{gen.digits(4)}")
neg("chat", "IBAN: XX00 0000 0000 0000 00")
neg(
    "chat",
    f"Steuer-ID bitte im Format {gen.digits(2)} {gen.digits(3)} {gen.digits(3)} {gen.digits(3)} angeben? nein, nur Beispiel: 12 345 678 901",
)
neg("chat", f"Aadhaar: XXXX XXXX {gen.digits(4)}")
neg("chat", "CURP: XXXX000000HXXXXX00")
neg("chat", f"PO 4500{gen.digits(6)} for the Berlin office")
neg("chat", f"tracking 1Z{gen.digits(16)}")
neg("chat", "lat/long 48.8566, 2.3522 (Paris)")
neg("chat", f"Ticket INC{gen.digits(7)} escalated to the London team")
neg("chat", "version 10.0.19045.3803 on the Tokyo machines")
neg("chat", f"the meeting id is {gen.digits(3)} {gen.digits(4)} {gen.digits(4)}", region="GB")
neg("chat", f"routing table has {gen.digits(9, '123456789')} entries")
neg("chat", f"account {gen.digits(8, '123456789')} in our CRM (customer account, not a bank)")

if __name__ == "__main__":
    OUT.write_text(
        "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases), encoding="utf-8"
    )
    positives = sum(case["kind"] == "positive" for case in cases)
    print(
        f"wrote {len(cases)} cases ({positives} positive, {len(cases) - positives} hard negatives) to {OUT}"
    )
