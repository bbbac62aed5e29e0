"""Helpers that build a town's establishment through the services (never by hand):

    town = TownFactory()
    staffed_town(town, admin=10)            # 10 行政编制 approved, an institution holding them, a post
    person_in(post)                          # a person entered on the post (valid GB 11643 number)
"""

from __future__ import annotations

import datetime
import itertools

from personnel import services_staffing as s
from personnel.choices_staffing import (
    ApprovalDocumentKind,
    Education,
    EntryForm,
    EstablishmentKind,
    InstitutionNature,
    PlanLineAction,
    PoliticalStatus,
    PostRole,
    QuotaKind,
)
from personnel.models import id_check_digit

D = datetime.date
_serial = itertools.count(1)
BIRTH, APPROVED_ON, PLAN_ON, ENTRY_ON = D(1985, 3, 12), D(2010, 1, 5), D(2010, 2, 1), D(2010, 3, 1)


def id_number(birth: datetime.date = BIRTH, region: str = "341824") -> str:
    """A valid 18-character ID number (GB 11643 check digit), a new one each call."""
    first17 = f"{region}{birth:%Y%m%d}{next(_serial) % 1000:03d}"
    return first17 + id_check_digit(first17)


def approve(town, quota=QuotaKind.ADMIN, delta=10, *, number=None, day=APPROVED_ON, actor=None):
    return s.establishment_approve(
        town=town, quota_kind=quota, delta=delta, document_kind=ApprovalDocumentKind.OFFICE_DECISION,
        document_number=number or f"绩编〔2010〕{next(_serial)}号", document_date=day, issued_by="绩溪县编办", actor=actor)


def approved_plan(town, lines, *, actor=None, day=PLAN_ON):
    """Draft, submit and approve a plan of ``lines`` (dicts of plan_line_add); the approved plan."""
    from django.contrib.auth import get_user_model

    plan = s.plan_create(town=town, title=f"机构调整方案{next(_serial)}", actor=actor)
    for line in lines:
        s.plan_line_add(plan=plan, actor=actor, **line)
    s.plan_submit(plan=plan, actor=actor)
    office = actor or get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        f"root{next(_serial)}", password="x-x-x-x-1")
    return s.plan_approve(plan=plan, approval_number=f"绩编发〔2010〕{next(_serial)}号", approved_by="中共绩溪县委",
                          decided_on=day, actor=office)


def institution(town, name=None, *, admin=0, public=0, key=False, actor=None):
    name = name or f"机构{next(_serial)}"
    approved_plan(town, [dict(action=PlanLineAction.CREATE, name=name, nature=InstitutionNature.PARTY_GOVERNMENT,
                              is_key=key, admin_posts=admin, public_posts=public)], actor=actor)
    return town.institutions.get(name=name, abolished_on__isnull=True)


def post(inst, title=None, *, kind=EstablishmentKind.ADMIN, role=PostRole.STAFF, leader_level=""):
    return s.post_create(institution=inst, title=title or f"岗位{next(_serial)}", kind=kind, role=role,
                         leader_level=leader_level)


def staffed_town(town, *, admin=10, public=0, key=False):
    """Approve ``admin``/``public`` posts, give them all to one institution, make a staff post of each kind."""
    if admin:
        approve(town, QuotaKind.ADMIN, admin)
    if public:
        approve(town, QuotaKind.PUBLIC, public)
    inst = institution(town, admin=admin, public=public, key=key)
    return inst, post(inst, "科员"), (post(inst, "事业岗", kind=EstablishmentKind.PUBLIC) if public else None)


def person_in(post_, *, name=None, entry=ENTRY_ON, birth=BIRTH, actor=None, **extra):
    values = dict(town=post_.institution.town, name=name or f"张{next(_serial)}", id_number=id_number(birth),
                  birth_date=birth, political_status=PoliticalStatus.CPC, education=Education.BACHELOR, post=post_,
                  entry_form=EntryForm.RECRUITMENT, entry_document=f"绩人社〔2010〕{next(_serial)}号",
                  entry_date=entry, phone="13905630001", actor=actor)
    values.update(extra)
    return s.person_enter(**values)
