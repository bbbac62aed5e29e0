"""Load the demo hierarchy and logins from fixtures/demo_regions.json, idempotently."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from core.history import actor_context

from . import services
from .models import Department, Division, PilotDesignation

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_regions.json"


def demo_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo_regions() -> dict:
    """Create what is missing; change nothing that exists. Returns the demo logins."""
    data = demo_data()
    with actor_context(None, source="demo"):
        by_code = {d.code: d for d in Division.objects.filter(code__in=[d["code"] for d in data["divisions"]])}
        for row in data["divisions"]:
            if row["code"] not in by_code:
                by_code[row["code"]] = services.division_create(
                    code=row["code"], name=row["name"], level=row["level"], parent=by_code.get(row.get("parent"))
                )
        existing = set(Department.objects.values_list("code", flat=True))
        for division_code in data["departments_in"]:
            for abbr, name in data["department_kinds"]:
                code = f"{division_code}-{abbr}"
                if code not in existing:
                    services.department_create(division=by_code[division_code], code=code, name=name)
        for row in data["pilots"]:
            division = by_code[row["division"]]
            if not PilotDesignation.objects.filter(division=division, kind=row["kind"], revoked_on__isnull=True).exists():
                services.pilot_designate(
                    division=division, kind=row["kind"], batch=row["batch"],
                    designated_on=datetime.date.fromisoformat(row["designated_on"]),
                    designated_by=row["designated_by"], document_number=row["document_number"],
                )
        User = get_user_model()
        logins = []
        for row in data["users"]:
            user, created = User.objects.get_or_create(
                username=row["username"],
                defaults={"first_name": row["name"], "is_superuser": bool(row.get("superuser")),
                          "is_staff": bool(row.get("superuser"))},
            )
            if created:
                user.set_password(data["password"])
                user.save()
            if row.get("role"):
                department = Department.objects.filter(code=row["department"]).first() if row.get("department") else None
                services.membership_grant(
                    user=user, division=by_code[row["division"]], role=row["role"], department=department
                )
            logins.append({"username": row["username"], "name": row["name"], "password": data["password"]})
        return {"logins": logins}
