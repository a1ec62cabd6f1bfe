"""The 23 wards, local-government codes and ward-name resolution."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.domain.wards import (
    OTHER_MUNICIPALITIES,
    WARDS,
    WardError,
    check_digit,
    get_ward,
    is_special_ward,
    lg_code_valid,
    resolve_ward,
    ward_label,
    ward_name,
)


def _check_digit_by_hand(first_five: str) -> str:
    # The municipality code check digit: weight by 6,5,4,3,2, sum, last digit of 11 - sum mod 11.
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return str(11 - total % 11)[-1]


def test_twenty_three_distinct_wards() -> None:
    assert len(WARDS) == 23
    assert len({w.code for w in WARDS}) == 23
    assert len({w.name_ja for w in WARDS}) == 23
    assert all(w.name_ja.endswith("区") for w in WARDS)


@pytest.mark.parametrize("ward", WARDS + OTHER_MUNICIPALITIES, ids=lambda w: w.code)
def test_every_known_code_has_a_valid_check_digit(ward) -> None:
    assert lg_code_valid(ward.code)
    assert _check_digit_by_hand(ward.code[:5]) == ward.code[5]


def test_special_wards_are_exactly_the_tokyo_131_codes() -> None:
    assert all(is_special_ward(w.code) for w in WARDS)
    assert not any(is_special_ward(m.code) for m in OTHER_MUNICIPALITIES)
    assert not is_special_ward("132012")  # 八王子市: Tokyo, but a city
    assert not is_special_ward(131229)


@given(st.from_regex(r"[0-9]{5}", fullmatch=True))
@settings(max_examples=200, deadline=None)
def test_exactly_one_check_digit_is_valid(first_five: str) -> None:
    valid = [d for d in "0123456789" if lg_code_valid(first_five + d)]
    assert valid == [check_digit(first_five)] == [_check_digit_by_hand(first_five)]


@pytest.mark.parametrize(
    "value", ["13122", "1312290", "13122x", "１３１２２９", "", None, 131229, "131228"]
)
def test_invalid_codes(value) -> None:
    assert not lg_code_valid(value)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("131229", "131229"),
        ("葛飾区", "131229"),
        ("葛飾", "131229"),
        ("Katsushika", "131229"),
        ("katsushika", "131229"),
        ("KATSUSHIKA-KU", "131229"),
        ("ＫＡＴＳＵＳＨＩＫＡ", "131229"),
        ("１３１２２９", "131229"),
        ("  葛飾区\u3000", "131229"),
        ("13122", "131229"),
        ("Chūō", "131024"),
        ("Chuo", "131024"),
        ("北区", "131172"),
        ("北", "131172"),
        ("江戸川", "131237"),
        ("Ota", "131113"),
        ("杉並区", "131156"),
        ("市川市", "122033"),
        ("さいたま市", "111007"),
        ("東京都", "130001"),
        ("122033", "122033"),
        ("132012", "132012"),  # any valid code is accepted
    ],
)
def test_resolve_ward(text: str, code: str) -> None:
    assert resolve_ward(text) == code


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("131228", "131228"),
        ("葛飾市", "葛飾市"),
        ("Gotham", "Gotham"),
        ("1312", "1312"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_resolve_ward_refuses_with_one_line_naming_the_input(text: str, fragment: str) -> None:
    with pytest.raises(WardError) as info:
        resolve_ward(text)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_resolve_ward_refuses_non_text() -> None:
    with pytest.raises(WardError, match="text"):
        resolve_ward(131229)  # type: ignore[arg-type]


def test_ward_name() -> None:
    assert ward_name("131229") == "葛飾区"
    assert ward_name("131229", "en") == "Katsushika"
    assert ward_name("122033") == "市川市"
    assert ward_name("111007", "en") == "Saitama"
    assert ward_name("132012") == "132012"
    with pytest.raises(WardError):
        ward_name("132013")


def test_ward_label_gives_ward_name_where_there_is_one() -> None:
    # One label for everything that shows wards: the wards module, the record formatter
    # and `zebkb search` (which loads the names alone) all call the one in wardnames.py.
    from zebkb import display
    from zebkb.domain import wardnames

    assert ward_label is wardnames.ward_label is display.ward_label
    for ward in WARDS + OTHER_MUNICIPALITIES:
        for lang in ("ja", "en"):
            assert ward_label(ward.code, lang) == ward_name(ward.code, lang)
    assert ward_label("131229", "en") == "Katsushika"
    assert ward_label("131229") == "葛飾区"


@pytest.mark.parametrize("code", ["132012", "131300", "132013", "13122", "１３１２２９", "x"])
def test_ward_label_shows_a_code_with_no_name_as_it_is(code: str) -> None:
    # Valid but unnamed (八王子市), unknown, a wrong check digit, short, full-width:
    # display code, not a check, so a record with such a code is still shown.
    for lang in ("ja", "en"):
        assert ward_label(code, lang) == code


def test_ward_label_of_no_code_is_empty() -> None:
    assert ward_label(None) == ward_label("", "en") == ""


def test_every_ward_resolves_from_its_own_names() -> None:
    for ward in WARDS:
        assert resolve_ward(ward.name_ja) == ward.code
        assert resolve_ward(ward.name_ja[:-1]) == ward.code
        assert resolve_ward(ward.name_en.upper()) == ward.code
        assert get_ward(ward.code) == ward
    with pytest.raises(WardError):
        get_ward("122033")
