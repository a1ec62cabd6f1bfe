"""Instants at the edges: every RFC 3339 timestamp is accepted and ordered by its moment, or refused.

The reference moment is computed here with exact arithmetic (whole days from
the calendar, seconds, the fraction as written, minus the offset), apart from
zebkb's datetime-based code.
"""

from __future__ import annotations

import calendar
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zebkb.domain.canonical import instant_key, utc_key, version_key
from zebkb.domain.validate import RecordError, validate_record
from zebkb.versions import format_date, format_moment

NOW = datetime(2025, 3, 18, 9, 0, tzinfo=timezone(timedelta(hours=9)))
FIRST = Fraction(date(1, 1, 1).toordinal() * 86400)
LAST = Fraction((date(9999, 12, 31).toordinal() + 1) * 86400)  # exclusive


@st.composite
def timestamps(draw) -> tuple[str, dict]:
    """Strings of the timestamp grammar, fields a little beyond their valid ranges."""
    f = {
        "year": draw(st.one_of(st.integers(0, 9999), st.sampled_from([0, 1, 2, 999, 1000, 9999]))),
        "month": draw(st.integers(0, 13)),
        "day": draw(st.integers(0, 32)),
        "hour": draw(st.integers(0, 24)),
        "minute": draw(st.integers(0, 60)),
        "second": draw(st.integers(0, 60)),
        "fraction": draw(st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=12))),
        "sep": draw(st.sampled_from("Tt ")),
        "zone": draw(st.one_of(st.sampled_from(["Z", "z"]), st.tuples(
            st.sampled_from("+-"), st.integers(0, 24), st.integers(0, 60)
        ))),
    }  # fmt: skip
    text = (
        f"{f['year']:04d}-{f['month']:02d}-{f['day']:02d}{f['sep']}"
        f"{f['hour']:02d}:{f['minute']:02d}:{f['second']:02d}"
    )
    if f["fraction"] is not None:
        text += "." + f["fraction"]
    zone = f["zone"]
    text += zone if isinstance(zone, str) else f"{zone[0]}{zone[1]:02d}:{zone[2]:02d}"
    return text, f


def reference(f: dict) -> Fraction | None:
    """The moment in seconds since 0001-01-01T00:00:00Z's day 0, or None if not a real time."""
    zone = f["zone"]
    sign, oh, om = ("+", 0, 0) if isinstance(zone, str) else zone
    if not (f["year"] >= 1 and 1 <= f["month"] <= 12 and oh < 24 and om < 60):
        return None
    if not 1 <= f["day"] <= calendar.monthrange(f["year"], f["month"])[1]:
        return None
    # Leap seconds (60) are refused: the refusal is one clear line (exit 3).
    if f["hour"] > 23 or f["minute"] > 59 or f["second"] > 59:
        return None
    days = date(f["year"], f["month"], f["day"]).toordinal()
    seconds = Fraction(days * 86400 + f["hour"] * 3600 + f["minute"] * 60 + f["second"])
    if f["fraction"]:
        seconds += Fraction(int(f["fraction"]), 10 ** len(f["fraction"]))
    offset = (oh * 3600 + om * 60) * (1 if sign == "+" else -1)
    return seconds - offset


def case_at(stamp: str) -> dict:
    return {
        "uid": "00000000-0000-4000-8000-000000000001",
        "type": "case",
        "origin": "131229",
        "created_at": stamp,
        "updated_at": stamp,
        "revision": 1,
        "title": "端の日時",
        "ward": "131229",
        "facility_name": "清掃事務所",
        "project_type": "new",
    }


def accepted(stamp: str) -> bool:
    problem = None
    try:
        validate_record(case_at(stamp), strict=True, now=NOW)
    except RecordError as exc:
        problem = str(exc)
    assert problem is None or "\n" not in problem
    return problem is None


@settings(max_examples=600, deadline=None)
@given(timestamps())
def test_every_timestamp_is_accepted_exactly_when_it_is_a_real_moment(drawn) -> None:
    text, fields = drawn
    moment = reference(fields)
    future = moment is not None and moment > reference_of_now() + 86400
    expected = moment is not None and FIRST <= moment < LAST and not future
    assert accepted(text) == expected, (text, moment)
    if expected:
        assert len(utc_key(text)) == len("2025-03-18T00:00:00.000000Z")
        format_moment(text, "japanese")  # in this computer's time, or as written: never fails


def reference_of_now() -> Fraction:
    return Fraction(NOW.date().toordinal() * 86400)  # 09:00 at +09:00 is midnight UTC


@settings(max_examples=400, deadline=None)
@given(timestamps(), timestamps())
def test_accepted_instants_order_by_their_real_moment(a, b) -> None:
    (ta, fa), (tb, fb) = a, b
    ma, mb = reference(fa), reference(fb)
    if ma is None or mb is None or not (FIRST <= ma < LAST and FIRST <= mb < LAST):
        return
    order = (ma > mb) - (ma < mb)
    ka, kb = instant_key(ta), instant_key(tb)
    assert (ka > kb) - (ka < kb) == order, (ta, tb)
    # The stored key keeps microseconds: it never contradicts the order.
    if order < 0:
        assert utc_key(ta) <= utc_key(tb)
    elif order > 0:
        assert utc_key(ta) >= utc_key(tb)
    # A merge takes the later moment, whatever the revisions say.
    if order:
        ra = dict(case_at(ta), revision=9)
        rb = dict(case_at(tb), revision=1)
        assert (version_key(ra) > version_key(rb)) == (order > 0)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("0001-01-01T13:59:59Z", "0001-01-01T00:00:00-14:00"),  # the latter is 14:00:00Z
        ("0999-12-31T23:59:59Z", "1000-01-01T00:00:00Z"),
        ("0099-06-01T00:00:00+09:00", "0999-06-01T00:00:00+09:00"),
        ("2025-03-18T09:00:00.1234567+09:00", "2025-03-18T09:00:00.12345671+09:00"),
        ("2025-03-18T09:00:00+09:00", "2025-03-18T00:00:00.5Z"),
    ],
)
def test_edge_pairs(earlier: str, later: str) -> None:
    assert accepted(earlier)
    assert accepted(later)
    assert instant_key(earlier) < instant_key(later)
    assert utc_key(earlier) <= utc_key(later)


@pytest.mark.parametrize(
    "stamp", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"]
)
def test_instants_outside_the_years_are_refused_in_one_line(stamp: str) -> None:
    with pytest.raises(RecordError, match="outside the years 0001-9999") as caught:
        validate_record(case_at(stamp), strict=True)
    assert "\n" not in str(caught.value)
    assert "0001〜9999年" in caught.value.line_ja()


def test_dates_before_the_japanese_calendar_are_shown_as_written(monkeypatch) -> None:
    from zebkb_main_kit import computer_time_zone

    # A fixed +09:00 zone: the tz database would read year 999 in Tokyo's local mean time.
    with contextmanager(computer_time_zone)(monkeypatch, "JST-9"):
        _before_the_japanese_calendar()


def _before_the_japanese_calendar() -> None:
    assert format_date("0999-03-01", "japanese") == "0999-03-01"
    assert format_moment("0999-03-01T10:00:00+09:00", "japanese") == "0999-03-01 10:00"
