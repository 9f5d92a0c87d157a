"""Validators: their doctests are the spec; hypothesis properties check the arithmetic."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scanners
from scanners.validators import credit_card, luhn
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
