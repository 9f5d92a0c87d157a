"""Validators: their doctests are the spec; hypothesis properties check the arithmetic."""

from __future__ import annotations

import base64
import doctest
import importlib
import ipaddress
import json
import pkgutil
from types import ModuleType

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import scanners
from scanners.validators import basic_auth, credit_card, github_token, ip, jwt, luhn, ssn
from scanners.validators.util import clean


def _modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.walk_packages(scanners.__path__, prefix="scanners."):
        found.append(importlib.import_module(info.name))
    return found


@pytest.mark.parametrize("module", _modules(), ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    flags = doctest.IGNORE_EXCEPTION_DETAIL | doctest.ELLIPSIS
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0


digits = st.text(alphabet="0123456789", min_size=1, max_size=30)


@given(digits)
def test_luhn_check_digit_round_trip(number: str) -> None:
    assert luhn.is_valid(number + luhn.calc_check_digit(number))


@given(digits, st.data())
def test_luhn_every_single_digit_change_breaks_it(number: str, data: st.DataObject) -> None:
    valid = number + luhn.calc_check_digit(number)
    position = data.draw(st.integers(min_value=0, max_value=len(valid) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != valid[position]]))
    changed = valid[:position] + replacement + valid[position + 1 :]
    assert not luhn.is_valid(changed)


@given(st.text(alphabet="0123456789 -.\u00a0\u2009", max_size=40))
def test_compact_is_idempotent(number: str) -> None:
    assert luhn.compact(luhn.compact(number)) == luhn.compact(number)
    assert credit_card.compact(credit_card.compact(number)) == credit_card.compact(number)
    assert clean(clean(number)) == clean(number)


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    _name, low, high, lengths = draw(st.sampled_from(credit_card.ISSUERS))
    prefix = str(draw(st.integers(min_value=int(low), max_value=int(high)))).zfill(len(low))
    length = draw(st.sampled_from(sorted(lengths)))
    body = draw(
        st.text(
            alphabet="0123456789",
            min_size=length - len(prefix) - 1,
            max_size=length - len(prefix) - 1,
        )
    )
    partial = prefix + body
    return partial + credit_card.calc_check_digit(partial)


@given(card_numbers())
def test_generated_cards_validate_with_their_issuer(number: str) -> None:
    assert credit_card.validate(number) == number
    assert credit_card.issuer(number) is not None


@given(card_numbers(), st.sampled_from([" ", "-", "\u00a0", "\u2009"]))
def test_card_separators_do_not_change_validity(number: str, sep: str) -> None:
    grouped = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    assert credit_card.is_valid(grouped)
    assert credit_card.compact(grouped) == number


@given(card_numbers(), st.data())
def test_card_single_digit_change_is_rejected(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    assert not luhn.is_valid(changed)


@given(st.text(max_size=30))
def test_validators_never_raise_anything_but_validation_errors(value: str) -> None:
    for module in (luhn, credit_card):
        try:
            module.validate(value)
        except ValueError:
            pass
        assert isinstance(module.is_valid(value), bool)


# --- ssn ----------------------------------------------------------------------------------

areas = st.integers(min_value=1, max_value=899).filter(lambda area: area != 666)


@st.composite
def ssns(draw: st.DrawFn) -> str:
    area = draw(areas)
    group = draw(st.integers(min_value=1, max_value=99))
    serial = draw(st.integers(min_value=1, max_value=9999))
    number = f"{area:03d}{group:02d}{serial:04d}"
    assume(number not in ssn.BLOCKLIST and len(set(number)) > 1)
    return number


@given(ssns(), st.sampled_from(["-", " ", ".", "\u2013", ""]))
def test_ssn_any_separator_round_trips(number: str, sep: str) -> None:
    formatted = ssn.format(number, sep)
    assert ssn.validate(formatted) == number
    assert ssn.compact(ssn.compact(formatted)) == number


@given(ssns(), st.sampled_from(["000", "666", "900", "987", "999"]))
def test_ssn_never_assigned_areas_are_rejected(number: str, area: str) -> None:
    assert not ssn.is_valid(area + number[3:])


@given(ssns())
def test_ssn_zero_group_or_serial_is_rejected(number: str) -> None:
    assert not ssn.is_valid(number[:3] + "00" + number[5:])
    assert not ssn.is_valid(number[:5] + "0000")


@given(st.text(alphabet="0123456789-", max_size=12))
def test_ssn_wrong_length_is_rejected(value: str) -> None:
    if len(ssn.compact(value)) != 9:
        assert not ssn.is_valid(value)


# --- github / npm token checksums ---------------------------------------------------------

base62 = st.text(alphabet=github_token.ALPHABET, min_size=30, max_size=30)


@given(base62, st.sampled_from(github_token.PREFIXES))
def test_github_checksum_round_trip(random_part: str, prefix: str) -> None:
    token = prefix + random_part + github_token.calc_check_digits(random_part)
    assert github_token.validate(token) == token
    assert len(token) == 40


@given(base62, st.data())
def test_github_any_single_character_change_is_caught(
    random_part: str, data: st.DataObject
) -> None:
    body = random_part + github_token.calc_check_digits(random_part)
    position = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    other = data.draw(st.sampled_from([c for c in github_token.ALPHABET if c != body[position]]))
    changed = body[:position] + other + body[position + 1 :]
    assert not github_token.is_valid("ghp_" + changed)


# --- jwt ----------------------------------------------------------------------------------

json_scalars = st.one_of(st.integers(), st.text(max_size=10), st.booleans(), st.none())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@given(
    st.dictionaries(st.text(max_size=5), json_scalars, max_size=4),
    st.dictionaries(st.text(max_size=8), json_scalars, max_size=6),
    st.binary(max_size=40),
)
def test_jwt_round_trip(
    extra_header: dict[str, object], payload: dict[str, object], sig: bytes
) -> None:
    header = {**extra_header, "alg": "HS256"}
    token = ".".join(
        [_b64url(json.dumps(header).encode()), _b64url(json.dumps(payload).encode()), _b64url(sig)]
    )
    assert jwt.validate(token) == token
    assert jwt.decode_part(token.split(".")[0]) == header
    assert not jwt.is_valid(token.rsplit(".", 1)[0])
    assert not jwt.is_valid(_b64url(b"[1, 2]") + "." + token.split(".", 1)[1])


# --- basic auth ---------------------------------------------------------------------------

printable = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20
)


@given(printable.filter(lambda user: ":" not in user), printable)
def test_basic_auth_round_trip(user: str, password: str) -> None:
    assert basic_auth.validate(basic_auth.encode(user, password)) == (user, password)


@given(printable.filter(lambda value: ":" not in value))
def test_basic_auth_without_colon_is_rejected(value: str) -> None:
    encoded = base64.b64encode(value.encode()).decode()
    assert not basic_auth.is_valid(encoded)


# --- ip -----------------------------------------------------------------------------------


@given(st.ip_addresses())
def test_ip_round_trip_and_idempotent(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    assert ip.validate(str(address)) == address.compressed
    assert ip.validate(address.exploded) == address.compressed
    assert ip.validate(ip.validate(str(address))) == ip.validate(str(address))


@given(st.lists(st.integers(min_value=0, max_value=999), min_size=4, max_size=4))
def test_ipv4_octets_over_255_are_rejected(octets: list[int]) -> None:
    dotted = ".".join(map(str, octets))
    assert ip.is_valid(dotted) == all(octet <= 255 for octet in octets)


@given(st.text(max_size=40))
def test_new_validators_raise_only_validation_errors(value: str) -> None:
    for module in (ssn, github_token, jwt, basic_auth, ip):
        try:
            module.validate(value)  # type: ignore[attr-defined]
        except ValueError:
            pass
        assert isinstance(module.is_valid(value), bool)  # type: ignore[attr-defined]


# --- prefilter relaxation -----------------------------------------------------------------

atoms = st.sampled_from(["a", "[ab]", r"\d", "[{1,2}]", r"\x{61}", "(?:ab)", "[^b]", "."])


@st.composite
def counted_patterns(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        low = draw(st.integers(min_value=0, max_value=12))
        high = draw(st.one_of(st.none(), st.integers(min_value=low, max_value=15)))
        bound = f"{{{low}}}" if high is None else f"{{{low},{high}}}"
        pieces.append(draw(atoms) + draw(st.sampled_from([bound, "", "*", "+"])))
    return "".join(pieces)


@given(counted_patterns(), st.text(alphabet="ab12{},", max_size=40))
def test_relaxed_pattern_matches_whatever_the_exact_one_does(pattern: str, text: str) -> None:
    import re2

    from scanners.prefilter import relax

    if re2.compile(pattern).search(text) is not None:
        assert re2.compile(relax(pattern)).search(text) is not None


# --- identifiers we validate ourselves (python-stdnum has no NINO or NRIC) ----------------


@given(st.sampled_from("ST"), st.text("0123456789", min_size=7, max_size=7))
def test_nric_check_letter_round_trips_and_catches_one_digit_changes(
    prefix: str, digits: str
) -> None:
    from scanners.validators import sg_nric

    number = prefix + digits + sg_nric.calc_check_digit(prefix + digits)
    assert sg_nric.is_valid(number)
    assert sg_nric.compact(sg_nric.compact(number.lower())) == number
    for position in range(1, 8):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1 :]
                assert not sg_nric.is_valid(changed)


@given(
    st.sampled_from("ABCEGHJKLMNPRSTWXYZ"),
    st.sampled_from("ABCEGHJKLMNPRSTWXYZ"),
    st.text("0123456789", min_size=6, max_size=6),
    st.sampled_from("ABCD"),
)
def test_nino_format_and_compact_round_trip(
    first: str, second: str, digits: str, suffix: str
) -> None:
    from scanners.validators import gb_nino

    number = first + second + digits + suffix
    assume(first + second not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
    assert gb_nino.is_valid(number)
    assert gb_nino.compact(gb_nino.format(number)) == number
    assert not gb_nino.is_valid(number[:-1] + "E")
    assert not gb_nino.is_valid("Q" + number[1:])
