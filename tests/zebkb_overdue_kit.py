"""The records the tests of overdue follow-ups (後日対応 past their due date) share.

Two clocks: the service's and the window's tests run on the tests' FakeClock
(2025-03-18 09:00, tests/zebkb_testing.py); the command line runs on the computer's
clock, so its records are due far in the past (always overdue) or far in the future
(never), and no test depends on the day it runs.
"""

from __future__ import annotations

from typing import Any

# On the FakeClock's day: a due month past (February) and one row done: overdue.
OVERDUE_VISIT: dict[str, Any] = {
    "type": "visit",
    "title": "清掃事務所視察の受入",
    "ward": "131229",
    "visited_on": "2024-10-21",
    "follow_up_items": [
        {"what": "資料の送付", "who": "環境課", "due": "2025-02"},
        {"what": "礼状", "due": "2024-11-01", "done": True},
    ],
}
# Due in the FakeClock's month (March): overdue from April 1st.
DUE_THIS_MONTH: dict[str, Any] = {
    "type": "session",
    "title": "清掃事務所のZEB勉強会",
    "ward": "131229",
    "held_on": "2024-11-05",
    "follow_up_items": [{"what": "質問への回答", "due": "2025-03"}],
}

# The same visit on any day: two follow-ups long overdue (a month and a day), one done.
OVERDUE_VISIT_ANY_DAY: dict[str, Any] = {
    **OVERDUE_VISIT,
    "follow_up_items": [
        {"what": "資料の送付", "who": "環境課", "due": "2000-01"},
        {"what": "所感の共有", "due": "2000-02-01"},
        {"what": "礼状", "due": "2000-01-01", "done": True},
    ],
}
# Never overdue: its one follow-up is due far in the future.
NEVER_DUE: dict[str, Any] = {
    "type": "session",
    "title": "ZEB勉強会",
    "ward": "131229",
    "held_on": "2024-11-05",
    "follow_up_items": [{"what": "質問への回答", "due": "2999-12-31"}],
}


def save_overdue(kb: Any) -> dict[str, str]:
    """Save OVERDUE_VISIT ("late") and DUE_THIS_MONTH ("month") in ``kb``: their uids."""
    return {"late": kb.save(OVERDUE_VISIT)["uid"], "month": kb.save(DUE_THIS_MONTH)["uid"]}
