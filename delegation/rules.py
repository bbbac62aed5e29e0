"""The rules an exercise record must satisfy, with the lookups they need.

``ExerciseRecord.full_clean()`` runs these for every way in (UI, API, import, admin). One
``ExerciseRules`` object caches what it has looked up, so a form pays a few queries and an
import of 100,000 rows preloads everything in a handful (``ExerciseRules.preload``).

The checker reads items, assignments, status changes and certificates, so it sits above the
models (layers: rules → models); the model does not import it but is handed it:
``DelegationConfig.ready`` sets ``ExerciseRecord.rules_class = ExerciseRules``.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import DeadlineRule, Due
from personnel.models import Officer
from personnel.selectors import CertificatePeriods

from .choices import ItemStatus, Mode
from .models import Assignment, Item, ItemStatusChange

# No date of the delegation reform is older (the first pilots: 2007); an older one is a typing
# error (1900-01-01 for an unknown date), refused before anything is computed from it.
EARLIEST_DATE = datetime.date(2000, 1, 1)


def _fmt(day: datetime.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


class ExerciseRules:
    def __init__(self):
        self._items: dict[int, dict] = {}
        self._assignments: dict[tuple[int, int], list[dict]] = {}
        self._status: dict[int, tuple[list, list]] = {}
        self._certs = CertificatePeriods()  # personnel's validity rule, on periods read in bulk
        self._officers: dict[int, int] = {}
        self._division_names: dict[int, str] = {}
        self._rules: dict[str, DeadlineRule] = {}
        # What preload() read in full: (item ids, division ids) and (officer ids, department ids).
        # A pair inside these sets with nothing loaded has nothing to load (no cross product kept).
        self._assignment_scope: tuple[set, set] = (set(), set())
        self._assignment_pairs: set[tuple[int, int]] = set()  # or only these (item, division) pairs

    # --- bulk loading, for imports --------------------------------------------------------
    @classmethod
    def preload(cls, *, item_ids, division_ids, officer_ids=(), pairs=None) -> ExerciseRules:
        """Everything the checks of records of these items, divisions and officers read. ``pairs``:
        the (item, division) pairs the records name, when known: only their assignments are read
        (a province-wide file names a few of the cross product: at 10M records 345,000 assignment
        rows were read, 5-6 s, for 5,000 rows)."""
        rules = cls()
        item_ids, division_ids, officer_ids = set(item_ids), set(division_ids), set(officer_ids) - {None}
        rules._load_items(item_ids)
        if pairs is None:
            rules._assignment_scope = (item_ids, division_ids)
            rules._load_assignments(Q(item_id__in=item_ids, division_id__in=division_ids))
        else:
            rules._assignment_pairs = {(i, d) for i, d in pairs if i in item_ids and d in division_ids}
            rules._load_assignment_pairs(rules._assignment_pairs)
        rules._load_status(item_ids)
        for officer_id, division_id in Officer.objects.filter(id__in=officer_ids).values_list("id", "division_id"):
            rules._officers[officer_id] = division_id
        department_ids = {v["department_id"] for v in rules._items.values()}
        rules._certs.preload(officer_ids, department_ids)
        return rules

    def _load_items(self, item_ids):
        for row in Item.objects.filter(id__in=item_ids).values(
            "id", "name", "department_id", "department__name", "filing_deadline", "status", "batch__effective_on"
        ):
            self._items[row["id"]] = row

    def _load_assignments(self, condition: Q):
        for row in Assignment.objects.filter(condition).values(
            "item_id", "division_id", "mode", "taken_over_on", "revoked_on"
        ):
            self._assignments.setdefault((row["item_id"], row["division_id"]), []).append(row)

    def _load_assignment_pairs(self, pairs: set[tuple[int, int]]):
        if not pairs:
            return
        items, divisions = zip(*pairs, strict=True)
        table = Assignment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.item_id, a.division_id, a.mode, a.taken_over_on, a.revoked_on FROM {table} a"  # nosec B608 # table name from the model; ids as parameters
                " JOIN unnest(%s::bigint[], %s::bigint[]) AS k(item_id, division_id)"
                " ON a.item_id = k.item_id AND a.division_id = k.division_id ORDER BY a.id",
                [list(items), list(divisions)],
            )
            for item_id, division_id, mode, taken_over_on, revoked_on in cursor.fetchall():
                self._assignments.setdefault((item_id, division_id), []).append(
                    {"item_id": item_id, "division_id": division_id, "mode": mode, "taken_over_on": taken_over_on,
                     "revoked_on": revoked_on})

    def _load_status(self, item_ids):
        loaded = defaultdict(list)
        for row in ItemStatusChange.objects.filter(item_id__in=item_ids).order_by("effective_on", "id").values_list(
            "item_id", "effective_on", "to_status"
        ):
            loaded[row[0]].append((row[1], row[2]))
        for item_id in item_ids:
            changes = loaded.get(item_id, [])
            self._status[item_id] = ([c[0] for c in changes], [c[1] for c in changes])

    # --- lookups (lazy when not preloaded) ------------------------------------------------
    def item(self, item_id: int) -> dict | None:
        if item_id not in self._items:
            self._load_items({item_id})
        return self._items.get(item_id)

    def assignments(self, item_id: int, division_id: int) -> list[dict]:
        key = (item_id, division_id)
        if key not in self._assignments:
            if key in self._assignment_pairs or (
                    item_id in self._assignment_scope[0] and division_id in self._assignment_scope[1]):
                return []  # preloaded: none
            self._assignments[key] = []
            self._load_assignments(Q(item_id=item_id, division_id=division_id))
        return self._assignments[key]

    def status_on(self, item_id: int, day: datetime.date) -> str:
        """The item's life-cycle status on ``day``, from its status-change log."""
        if item_id not in self._status:
            self._load_status({item_id})
        dates, statuses = self._status[item_id]
        index = bisect_right(dates, day)
        status = statuses[index - 1] if index else ItemStatus.DRAFT
        item = self.item(item_id)
        if status == ItemStatus.PUBLISHED and item and item["batch__effective_on"] and item["batch__effective_on"] <= day:
            return ItemStatus.IN_FORCE  # the batch took effect; the nightly task may not have run yet
        return status

    def officer_division(self, officer_id: int) -> int | None:
        if officer_id not in self._officers:
            self._officers[officer_id] = Officer.objects.filter(id=officer_id).values_list("division_id", flat=True).first()
        return self._officers[officer_id]

    def certificate_valid(self, officer_id: int, department_id: int, day: datetime.date) -> bool:
        return self._certs.valid(officer_id, department_id, day)

    def filing_rule(self, text: str) -> DeadlineRule:
        if text not in self._rules:
            self._rules[text] = DeadlineRule.parse(text)
        return self._rules[text]

    # --- the rules ------------------------------------------------------------------------
    def due(self, item_id: int, decided_on: datetime.date) -> Due | None:
        """The filing due date of a decision under ``item_id``, provisional when it counts
        through a year whose holidays are not entered yet (DOMAIN.md §0); None for no item."""
        item = self.item(item_id)
        if not item:
            return None
        return self.filing_rule(item["filing_deadline"]).due_provisional(decided_on)

    def prepare(self, record) -> None:
        """Fill derived fields (the filing due date and its 暂定 flag) before validation.

        Never raises for the calendar: a decision that happened is recorded with a provisional
        due date, so the clerk sees the rules of ``check`` (办结日期不能晚于今天 …) first.
        """
        if record.item_id and record.decided_on and isinstance(record.decided_on, datetime.date):
            # No due date is counted from a decision date that check() refuses (ahead of today, as
            # 9999-12-31, or implausibly old): counting past year 9999 overflowed into a 500.
            if not EARLIEST_DATE <= record.decided_on <= timezone.localdate():
                record.filing_due_on, record.filing_due_provisional = None, False
                return
            due = self.due(record.item_id, record.decided_on)
            if due is not None:
                record.filing_due_on = due.date
                record.filing_due_provisional = due.provisional

    @staticmethod
    def _date_message(field: str, day: datetime.date) -> str:
        label = {"received_on": _("受理日期"), "decided_on": _("办结日期"), "filed_on": _("备案日期")}[field]
        return _("%(label)s（%(day)s）早于%(earliest)s，不合理：请核对。") % {
            "label": label, "day": f"{day:%Y-%m-%d}", "earliest": _fmt(EARLIEST_DATE)}

    def prepare_filing(self, record, *, today: datetime.date | None = None) -> None:
        """Derive when a filing was recorded and whether it is a late entry (补录).

        A filing recorded now (new, or a changed 备案日期) is dated ``filed_on`` but recorded
        ``today``. Recorded after the due date yet dated on or before it, it is a late entry:
        ``check`` then asks for the receiving department's acknowledgement (回执).
        """
        stored = None if record._state.adding else getattr(record, "_filed_basis", None)
        record._filing_recorded_now = bool(record.filed_on) and record.filed_on != stored
        if not record.filed_on:
            record.filing_recorded_on, record.filing_late_entry = None, False
            return
        if record._filing_recorded_now:
            record.filing_recorded_on = today or timezone.localdate()
        due, recorded = record.filing_due_on, record.filing_recorded_on
        if isinstance(record.filed_on, datetime.date) and due and recorded:
            record.filing_late_entry = record.filed_on <= due < recorded

    def check(self, record, *, today: datetime.date | None = None) -> None:
        """Raise ValidationError listing every broken rule of ``record``."""
        today = today or timezone.localdate()
        errors: dict[str, list[str]] = defaultdict(list)
        decided = record.decided_on
        if record.received_on and decided and decided < record.received_on:
            errors["decided_on"].append(_("办结日期不能早于受理日期。"))
        if decided and decided > today:
            errors["decided_on"].append(_("办结日期不能晚于今天。"))
        if record.filed_on and decided and record.filed_on < decided:
            errors["filed_on"].append(_("备案日期不能早于办结日期。"))
        if record.filed_on and record.filed_on > today:
            errors["filed_on"].append(_("备案日期不能晚于今天。"))
        for field in ("received_on", "decided_on", "filed_on"):
            day = getattr(record, field)
            if isinstance(day, datetime.date) and day < EARLIEST_DATE:
                errors[field].append(self._date_message(field, day))
        if (getattr(record, "_filing_recorded_now", False) and record.filing_late_entry and not errors.get("filed_on")
                and not (record.filing_receipt_number.strip() or record.filing_receipt_scan)):
            errors["filing_receipt_number"].append(
                _("备案日期（%(filed)s）不晚于备案期限（%(due)s），但今天才登记：这是补录，请填写受理部门的备案回执编号"
                  "或上传回执扫描件。") % {"filed": f"{record.filed_on:%Y-%m-%d}", "due": f"{record.filing_due_on:%Y-%m-%d}"})
        if record.item_id and record.division_id and decided:
            item = self.item(record.item_id)
            active = [
                a for a in self.assignments(record.item_id, record.division_id)
                if a["taken_over_on"] and a["taken_over_on"] <= decided and (a["revoked_on"] is None or a["revoked_on"] > decided)
            ]
            if not active:
                errors["item"].append(_("本单位在%(date)s未承接事项“%(item)s”，不能登记该事项的办件。") % {
                    "date": _fmt(decided), "item": item["name"]})
            status = self.status_on(record.item_id, decided)
            if status != ItemStatus.IN_FORCE:
                errors["item"].append(
                    _("事项“%(item)s”在%(date)s不在施行期内（%(status)s）。") % {
                        "item": item["name"], "date": _fmt(decided), "status": ItemStatus(status).label}
                )
            if active and active[0]["mode"] == Mode.ENTRUST:
                if not record.officer_id:
                    errors["officer"].append(_("委托事项须填写持有行政执法证的承办人。"))
                elif not self.certificate_valid(record.officer_id, item["department_id"], decided):
                    errors["officer"].append(
                        _("委托事项的承办人须在决定日（%(date)s）持有%(department)s核发的有效行政执法证。") % {
                            "date": _fmt(decided), "department": item["department__name"]}
                    )
        if record.officer_id and record.division_id:
            if self.officer_division(record.officer_id) != record.division_id:
                errors["officer"].append(_("承办人不属于本单位。"))
        if errors:
            raise ValidationError({k: v for k, v in errors.items()})
