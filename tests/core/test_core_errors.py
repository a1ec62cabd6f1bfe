"""Errors a person can cause belong to the error tree and speak both languages."""

from __future__ import annotations

import pytest

from zebkb.domain.dates import DateError, parse_date
from zebkb.domain.validate import RecordError
from zebkb.domain.wards import WardError, resolve_ward
from zebkb.errors import InputError, KnownError, ZebkbError
from zebkb.search.lock import IndexBusyError
from zebkb.search.query import QueryError, parse_query


@pytest.mark.parametrize("error", [RecordError, DateError, WardError, QueryError])
def test_user_errors_are_input_errors_and_still_value_errors(error: type) -> None:
    assert issubclass(error, InputError)
    assert issubclass(error, ValueError)
    assert error.exit_code == 3


def test_a_ward_error_speaks_japanese() -> None:
    with pytest.raises(WardError) as caught:
        resolve_ward("どこか区")
    assert "unknown ward" in caught.value.message("en")
    assert "見つかりません" in caught.value.message("ja")


def test_a_record_error_says_where_in_both_languages() -> None:
    error = RecordError("is too long", "長すぎます", field="title", where="line 3")
    assert error.message("en") == str(error) == "line 3: field title: is too long"
    assert error.message("ja") == error.line_ja()
    assert "長すぎます" in error.message("ja")


def test_query_and_date_errors_speak_japanese() -> None:
    with pytest.raises(QueryError) as query:
        parse_query('"unbalanced')
    assert query.value.message("ja") != query.value.message("en")
    with pytest.raises(DateError) as when:
        parse_date("令和99年13月40日")
    assert isinstance(when.value, ZebkbError)


def test_a_busy_index_is_a_known_error_in_both_languages() -> None:
    error = IndexBusyError("busy", message_ja="使用中")
    assert isinstance(error, KnownError)
    assert error.message("ja") == "使用中"
