import pytest

from zebkb.domain.numbers import parse_number, parse_quantity


@pytest.mark.parametrize(
    ("text", "integer", "expected"),
    [
        ("7,985.46㎡", False, 7985.46),
        ("７，９８５．４６㎡", False, 7985.46),
        ("1200 m2", False, 1200),
        ("51%", False, 51),
        ("５１％", False, 51),
        ("3階", True, 3),
        ("12.5 t-CO2/年", False, 12.5),
        ("3.0", True, 3),
        ("", False, None),
        ("約5千", False, "約5千"),
        ("3階建て", True, "3階建て"),
        ("㎡", False, "㎡"),
        ("nan", False, "nan"),
        ("inf%", False, "inf%"),
    ],
)
def test_quantity_reads_a_figure_with_its_unit(text, integer, expected) -> None:
    assert parse_quantity(text, integer) == expected


def test_number_without_unit_keeps_the_unit_as_text() -> None:
    assert parse_number("7,985.46㎡", integer=False) == "7,985.46㎡"
