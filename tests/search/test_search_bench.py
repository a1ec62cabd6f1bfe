"""The search benchmark's own bookkeeping: the streamed corpus and the goals table."""

from __future__ import annotations

from search_bench import Figures, goal_rows
from seed_corpus import iter_records, make_records


def test_streamed_records_are_the_listed_ones() -> None:
    # The peak-memory build streams them; its figure is for the same corpus as the rest.
    assert list(iter_records(30, seed=5)) == make_records(30, seed=5)


def _figures(records: int, **changes: float) -> Figures:
    f = Figures(
        records,
        p95=0.2,
        cpu95=0.2,
        build=200.0,
        build_cpu=190.0,
        size=400 << 20,
        recall=1.0,
        update=0.02,
        first_query=120.0,
        fts_p95=0.15,
        fts_cpu95=0.15,
        fts_build=80.0,
        fts_build_cpu=75.0,
        fts_size=500 << 20,
        peak_rss=550.0,
    )
    for key, value in changes.items():
        setattr(f, key, value)
    return f


def _met(rows: list[tuple[str, str, str, bool]]) -> dict[str, bool]:
    return {figure: met for figure, _value, _goal, met in rows}


def test_goals_at_100k_are_the_issues() -> None:
    met = _met(goal_rows(_figures(100_000)))
    assert met == {
        "warm p95": True,
        "full build, zebkb / FTS5": True,
        "full build": True,
        "peak memory of a full build": True,
        "index size, zebkb / FTS5": True,
        "recall": True,
    }
    missed = _met(
        goal_rows(
            _figures(100_000, p95=0.26, build=301.0, peak_rss=601.0, size=501 << 20, recall=0.999)
        )
    )
    assert not any(missed.values()), missed


def test_goals_at_50k_hold_memory_to_400_mb_and_p95_to_its_ratio() -> None:
    rows = goal_rows(_figures(50_000, peak_rss=401.0))
    met = _met(rows)
    assert met["peak memory of a full build"] is False
    # 0.2 / 0.15 s is 1.3x FTS5's: met, although over 250 ms would not matter here.
    assert met["warm p95, zebkb / FTS5 trigram + scan"] is True
    assert met["new process: import + open + first query"] is True  # 120 <= 150 ms
    assert "full build" not in met


def test_goals_at_10k_include_the_command_line_and_saves_when_measured() -> None:
    f = _figures(10_000, first_query=60.0)
    assert "save 10,000 records, index kept current" not in _met(goal_rows(f))
    f.save, f.cli = 14.0, 0.3
    met = _met(goal_rows(f))
    assert met["save 10,000 records, index kept current"] is True
    assert met["zebkb search as a new process"] is False
    assert met["new process: import + open + first query"] is False  # 60 > 50 ms
    assert "peak memory of a full build" not in met


def test_peak_memory_is_the_builds_not_the_parents() -> None:
    from search_bench import peak_build_rss

    # Linux carries a parent's peak RSS over exec into the child's ru_maxrss: a
    # benchmark of 100,000 records (1.8 GB) reported that as the build's peak.
    ballast = b"x" * (300 << 20)
    peak, base = peak_build_rss(20)
    assert ballast[-1:] == b"x"
    assert base <= peak < 300
