"""Writes to the hierarchy. Each is atomic, validated with full_clean and attributed."""

from __future__ import annotations

import datetime

from django.db import transaction

from core.history import actor_context
from core.services import save_validated

from .models import Department, Division, Membership, PilotDesignation


@transaction.atomic
def division_create(*, code: str, name: str, level: str, parent: Division | None, actor=None) -> Division:
    """Add a division under ``parent`` (a province has none)."""
    return save_validated(Division(code=code, name=name, level=level, parent=parent), actor)


@transaction.atomic
def department_create(*, division: Division, code: str, name: str, actor=None) -> Department:
    return save_validated(Department(division=division, code=code, name=name), actor)


@transaction.atomic
def department_update(*, department: Department, actor, **fields) -> Department:
    """Change a department's name or active flag (code and division are fixed)."""
    for name in ("name", "is_active"):
        if name in fields:
            setattr(department, name, fields[name])
    return save_validated(department, actor)


@transaction.atomic
def pilot_designate(
    *, division: Division, kind: str, batch: str, designated_on: datetime.date, designated_by: str,
    document_number: str = "", actor=None,
) -> PilotDesignation:
    """Designate a town or county as a pilot (试点确定)."""
    return save_validated(PilotDesignation(
        division=division, kind=kind, batch=batch, designated_on=designated_on,
        designated_by=designated_by, document_number=document_number,
    ), actor)


@transaction.atomic
def membership_grant(*, user, division: Division, role: str, department: Department | None = None, actor=None) -> Membership:
    """Give ``user`` a role in ``division``; an existing active identical grant is returned as is."""
    with actor_context(actor):
        existing = Membership.objects.filter(user=user, division=division, role=role, is_active=True).first()
        if existing:
            return existing
        return save_validated(Membership(user=user, division=division, role=role, department=department), actor)


@transaction.atomic
def membership_revoke(*, membership: Membership, actor) -> Membership:
    """End a membership; the row stays for the record."""
    with actor_context(actor):
        membership.is_active = False
        membership.stamp(actor)
        membership.save(update_fields=["is_active", "updated_at", "updated_by"])
        return membership
