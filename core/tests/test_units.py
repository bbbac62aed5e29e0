"""core.units: the one reader of land areas (landuse and finance call it) and mu ↔ ha, exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from core.units import MAX_MU, ha_to_mu, mu_to_ha, parse_decimal_area, parse_ha


@pytest.mark.parametrize(("value", "expected"), [
    ("120.5", Decimal("120.5000")), ("1,234.5678", Decimal("1234.5678")), ("1，000", Decimal("1000.0000")),
    (" 7 ", Decimal("7.0000")), (12, Decimal("12.0000")), (Decimal("0.0001"), Decimal("0.0001")),
    ("1.23450", Decimal("1.2345")),  # a trailing zero is not a fifth decimal
])
def test_areas_read_exactly_to_four_decimals(value, expected):
    area = parse_decimal_area(value, field="area_mu", label="申报面积")
    assert area == expected and area.as_tuple().exponent == -4


@pytest.mark.parametrize(("value", "code", "words"), [
    ("-3", "negative_area", "申报面积不能为负数（填写的是 -3 亩）。"),
    ("1.23456", "too_many_decimals", "申报面积 1.23456 最多四位小数（亩）。"),
    ("abc", "not_a_number", "申报面积“abc”不是数字，请填写如 120.5 的亩数。"),
    ("NaN", "not_a_number", "申报面积“NaN”不是数字。"),
    (1.5, "float_amount", "申报面积须以精确的十进制数填写，不能是浮点数。"),
    (True, "float_amount", "申报面积须以精确的十进制数填写，不能是浮点数。"),
    ("", "required", "请填写申报面积。"),
    (None, "required", "请填写申报面积。"),
    ("0", "zero_area", "申报面积须大于零。"),
    ("10000000000", "too_large", "申报面积 10000000000 超出可记录的范围。"),
])
def test_bad_areas_are_refused_in_words_on_their_field(value, code, words):
    with pytest.raises(ApplicationError) as refused:
        parse_decimal_area(value, field="area_mu", label="申报面积")
    assert refused.value.code == code
    assert refused.value.message == words
    assert refused.value.extra == {"area_mu": [words]}


def test_zero_and_negative_only_when_the_caller_allows_them():
    assert parse_decimal_area("0", allow_zero=True) == Decimal("0.0000")
    with pytest.raises(ApplicationError) as refused:
        parse_decimal_area("-1", allow_zero=True)
    assert refused.value.code == "negative_area"
    assert parse_decimal_area("-2.5", allow_negative=True) == Decimal("-2.5000")
    assert parse_decimal_area("0", allow_negative=True) == Decimal("0.0000")
    assert parse_decimal_area(str(MAX_MU)) == MAX_MU


def test_mu_and_hectares():
    assert mu_to_ha(Decimal("15")) == Decimal("1.0000")
    assert mu_to_ha(Decimal("1")) == Decimal("0.0667")  # 0.06666… half up
    assert mu_to_ha(Decimal("0.0007")) == Decimal("0.0000") and mu_to_ha(Decimal("0.00075")) == Decimal("0.0001")
    assert ha_to_mu(Decimal("1.2345")) == Decimal("18.5175")  # exact: four decimals × 15
    for ha in (Decimal("0.0001"), Decimal("82.3"), Decimal("9999.9999")):
        assert mu_to_ha(ha_to_mu(ha)) == ha  # a hectare figure survives the round trip


def test_hectares_typed_are_read_as_mu_in_words_of_hectares():
    assert parse_ha("2.5", field="area_ha") == Decimal("37.5000")
    with pytest.raises(ApplicationError) as refused:
        parse_ha("1.00001", field="area_ha")
    assert refused.value.extra == {"area_ha": ["面积（公顷） 1.00001 最多四位小数（公顷）。"]}
    with pytest.raises(ApplicationError) as refused:
        parse_ha("9999999999", field="area_ha")
    assert refused.value.code == "too_large"
