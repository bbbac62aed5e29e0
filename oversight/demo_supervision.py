"""Demo data of oversight: supervision (issue 14 §9), called by demo.load_demo_oversight once the leading
group, its members and 临溪镇 exist."""

from __future__ import annotations

import datetime


def load(*, group, office, clerk, today: datetime.date) -> None:
    return None
