"""Identifier checks with the test vectors of shared/domain/RULES.md."""

from datetime import date

import pytest

from resolvers.identifiers import (
    InvalidIdentifier,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    normalize_uscc,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "52330106MJ0A1B2C5W", "52330106mj0a1b2c5w"])
def test_valid_uscc(code):
    assert normalize_uscc(code) == code.upper()


@pytest.mark.parametrize("code", ["91350100M000100Y4Z", "91350100M000100Y4", "9135010OM000100Y43"])
def test_invalid_uscc(code):
    with pytest.raises(InvalidIdentifier):
        normalize_uscc(code)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "330106201903150028",
                                    "11010519491231002x"])
def test_valid_id_numbers(number):
    assert normalize_id_number(number) == number.upper()


@pytest.mark.parametrize("number", ["110105194912310021", "11010519491331002X", "1101051949123100"])
def test_invalid_id_numbers(number):
    with pytest.raises(InvalidIdentifier):
        normalize_id_number(number)


def test_id_number_birth_date_in_future_is_refused():
    with pytest.raises(InvalidIdentifier, match="future"):
        normalize_id_number("330106201903150028", today=date(2019, 1, 1))


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "19912345678"])
def test_valid_phones(raw):
    assert len(normalize_phone(raw)) == 11


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "14012345678", "+1 138 1234 5678"])
def test_invalid_phones(raw):
    with pytest.raises(InvalidIdentifier):
        normalize_phone(raw)


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_name("王秀英") == "王**"
