"""Demo catalogue from fixtures/demo_delegation.json, loaded through the services, idempotently."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from personnel import services as personnel_services
from personnel.models import EnforcementCertificate, Officer
from regions.models import Department, Division

from . import services
from .choices import ItemStatus, Mode, TakeOverStatus
from .models import Agreement, Assignment, Batch, ExerciseRecord, Item, Training

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_delegation.json"


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@transaction.atomic
def load_demo_delegation() -> None:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    divisions = {d.code: d for d in Division.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    town = divisions[data["assign_to"]]

    batches = {b.code: b for b in Batch.objects.all()}
    for row in data["batches"]:
        if row["code"] not in batches:
            batches[row["code"]] = services.batch_create(
                division=divisions[row["division"]], code=row["code"], name=row["name"],
                document_number=row["document_number"], effective_on=_date(row["effective_on"]),
            )
    agreements = {a.number: a for a in Agreement.objects.all()}
    for row in data["agreements"]:
        if row["number"] not in agreements:
            agreements[row["number"]] = services.agreement_create(
                number=row["number"], department=departments[row["department"]], division=town,
                department_signatory=row["department_signatory"], receiver_signatory=row["receiver_signatory"],
                signed_on=_date(row["signed_on"]),
            )
    by_department = {a.department_id: a for a in agreements.values() if a.division_id == town.id}

    officers = {o.staff_number: o for o in Officer.objects.all()}
    for row in data["officers"]:
        if row["staff_number"] not in officers:
            officers[row["staff_number"]] = personnel_services.officer_create(
                division=divisions[row["division"]], name=row["name"], staff_number=row["staff_number"])
        cert = row.get("certificate")
        if cert and not EnforcementCertificate.objects.filter(number=cert["number"]).exists():
            personnel_services.certificate_issue(
                officer=officers[row["staff_number"]], department=departments[cert["department"]],
                number=cert["number"], valid_from=_date(cert["valid_from"]), valid_until=_date(cert["valid_until"]),
            )

    items = {i.code: i for i in Item.objects.all()}
    for row in data["items"]:
        row = dict(row)
        batch_code, mode = row.pop("batch", None), row.pop("mode", Mode.DEVOLVE)
        if row["code"] not in items:
            row["department"] = departments[row["department"]]
            items[row["code"]] = services.item_create(**row)
        item = items[row["code"]]
        if batch_code and item.status == ItemStatus.DRAFT:
            item = items[row["code"]] = services.item_publish(item=item, batch=batches[batch_code], actor=None)
        if item.status == ItemStatus.IN_FORCE and not item.spans_several_towns:
            assignment = Assignment.objects.filter(item=item, division=town).first()
            if assignment is None:
                assignment = services.assignment_create(
                    item=item, division=town, mode=mode, assigned_on=_date("2009-12-25"),
                    agreement=by_department.get(item.department_id),
                )
            if assignment.takeover_status == TakeOverStatus.ASSIGNED and assignment.agreement_id:
                services.assignment_take_over(assignment=assignment, on=_date("2010-01-01"), actor=None)

    # A batch whose document is dated is published (closed) once its items are in; the current
    # batch (no date yet) stays open for the office to publish items into.
    for row in data["batches"]:
        batch = Batch.objects.get(code=row["code"])
        if row.get("published_on") and batch.is_open and batch.items.exists():
            services.batch_publish(batch=batch, actor=None, published_on=_date(row["published_on"]))

    for row in data["trainings"]:
        if not Training.objects.filter(division=town, title=row["title"]).exists():
            services.training_record(division=town, department=departments[row["department"]], kind=row["kind"],
                                     title=row["title"], held_on=_date(row["held_on"]), attendees=row["attendees"])

    for row in data["records"]:
        if ExerciseRecord.objects.filter(division=town, decision_number=row["decision_number"]).exists():
            continue
        services.exercise_record_create(
            actor=None, division=town, item=items[row["item"]], applicant=row["applicant"],
            received_on=_date(row["received_on"]), decided_on=_date(row["decided_on"]), outcome=row["outcome"],
            decision_number=row["decision_number"], officer=officers.get(row.get("officer")),
            filed_on=_date(row["filed_on"]) if row.get("filed_on") else None,
            # Loaded after its due date, a filing dated before it is a late entry (补录): its 回执.
            filing_receipt_number=row.get("filing_receipt_number", ""),
        )
