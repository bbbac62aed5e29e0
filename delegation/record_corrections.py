"""Corrections by import: an edited row of an exported file updates the record it names.

The import page promises that an exported file can be edited and imported again. A row whose
(承接主体, 决定文号) is already registered is that record: what a clerk may correct on it
(``services.RECORD_CORRECTABLE``: 申请人, 受理日期, 办结日期, 办理结果, 承办人) updates it through
``services.exercise_record_correct`` (the rules again, the due date recomputed, the history);
anything else that differs is refused for that row, saying why, and the file imports nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ExerciseRecord

# The stored values ``delegation.importing`` reads for each existing record, in this order.
STORED = ("item_id", "applicant", "received_on", "decided_on", "outcome", "officer_id", "filed_on")
CORRECTABLE = ("applicant", "received_on", "decided_on", "outcome", "officer_id")


@dataclass
class Correction:
    record_id: int
    changes: dict


def _day(value: datetime.date | None):
    return f"{value:%Y-%m-%d}" if value else _("（空）")  # lazy: shown in the reader's language


def compare(record_id: int, stored: tuple, row: ExerciseRecord, header: dict[str, str], present: set[str]):
    """(``Correction`` or None when the row changes nothing, [(column, message template, params)] refusals).

    Only the columns ``present`` in the file count: a file without 备案日期 or 承办人 leaves
    them as they are. The templates are gettext_lazy texts, filled when shown (core.importing.errors).
    """
    old = dict(zip(STORED, stored, strict=True))
    if "officer" not in present:
        old.pop("officer_id")
    if "filed_on" not in present:
        old["filed_on"] = row.filed_on
    number = row.decision_number
    refusals = []
    if row.item_id != old["item_id"]:
        refusals.append((header["item"], _("决定文号为“%(number)s”的办件已登记在另一事项下，事项不能通过导入更改；"
                                           "如确属登记错误，请联系领导小组办公室。"), {"number": number}))
    if row.filed_on != old["filed_on"]:
        if old["filed_on"] is None:
            refusals.append((header["filed_on"], _("决定文号为“%(number)s”的办件尚未备案，备案请在办件页面办理，不能通过导入填写备案日期。"),
                             {"number": number}))
        else:
            refusals.append((header["filed_on"], _("决定文号为“%(number)s”的办件已于%(filed)s备案，备案日期不能通过导入改为%(new)s。"),
                             {"number": number, "filed": _day(old["filed_on"]), "new": _day(row.filed_on)}))
    if refusals:
        return None, refusals
    changes = {name: getattr(row, name) for name in CORRECTABLE if name in old and getattr(row, name) != old[name]}
    return (Correction(record_id, changes) if changes else None), []


def apply(corrections: list[Correction], *, actor, reason: str) -> None:
    """Write the corrections (inside the import's transaction), one service call each."""
    from . import services

    for correction in corrections:
        services.exercise_record_correct(
            record=ExerciseRecord(pk=correction.record_id), actor=actor, reason=reason, **correction.changes,
        )
