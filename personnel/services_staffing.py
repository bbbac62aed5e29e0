"""Writes of the establishment, institutions, people and posts (issue 12 §1–4). Keyword-only, one
transaction each, attributed; every change of numbers is a posting on the core ledger
("establishment", personnel/apps.py), so the database holds "never below zero" under
concurrent requests (the ledger locks the balance rows it touches, in one order).

Personal data never enters a message, a ledger memo or an idempotency key: messages name the
person by name and the post, never by ID number or phone (tested).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError, ConflictError
from core.history import actor_context
from core.ledger import services as ledger
from core.ledger.models import Account, Balance
from core.services import require_reason, save_validated
from regions import scoping
from regions.choices import Level
from regions.models import Division

from .choices_staffing import (
    LEADER_QUOTA,
    ApprovalDocumentKind,
    EstablishmentKind,
    MovementKind,
    PersonStatus,
    PlanLineAction,
    PlanStatus,
    QuotaKind,
    Rank,
)
from .models import (
    EstablishmentApproval,
    Institution,
    InstitutionPlan,
    InstitutionPlanLine,
    PayrollCount,
    Person,
    Post,
    StaffingMovement,
)
from .rules_staffing import LEDGER, CountyDecision, rank_up_check
from .selectors_staffing import institution_numbers, town_is_pilot

ESTABLISHMENT_KINDS = (EstablishmentKind.ADMIN, EstablishmentKind.PUBLIC)


# --- accounts ---------------------------------------------------------------------------------


def _open(town, code: str, kind: str, name: str, actor=None) -> Account:
    return ledger.account_open(ledger=LEDGER, kind=kind, owner=town, code=code, name=name, actor=actor)


def approved_account(town, quota: str, actor=None) -> Account:
    return _open(town, f"approved:{quota}", "approved", f"{town.name} {QuotaKind(quota).label} 核定数", actor)


def unallocated_account(town, kind: str, actor=None) -> Account:
    return _open(town, f"unallocated:{kind}", "unallocated", f"{town.name} {EstablishmentKind(kind).label} 未分配", actor)


def leader_account(town, quota: str, state: str, actor=None) -> Account:
    label = gettext("空缺") if state == "free" else gettext("已配")
    return _open(town, f"{state}:{quota}", state, f"{town.name} {QuotaKind(quota).label} {label}", actor)


def institution_account(institution: Institution, kind: str, state: str, actor=None) -> Account:
    label = gettext("空编") if state == "free" else gettext("在编")
    return _open(institution.town, f"inst:{institution.pk}:{state}:{kind}", state,
                 f"{institution.name} {EstablishmentKind(kind).label} {label}", actor)


def _post(*, key: str, legs: dict[int, int], kind: str, booked_on: datetime.date, memo: str, actor):
    lines = [(account_id, amount) for account_id, amount in legs.items() if amount]
    if not lines:
        return None
    return ledger.posting_create(ledger=LEDGER, kind=kind, legs=lines, idempotency_key=key, booked_on=booked_on,
                                 memo=memo, actor=actor)


def _today() -> datetime.date:
    return timezone.localdate()


def _require_town(town: Division) -> None:
    if town.level != Level.TOWN:
        raise ApplicationError(gettext("编制只能核定到镇（乡、街道）。"), code="establishment_not_town",
                               extra={"town": [gettext("请选择一个镇。")]})


def _require_office(actor, town) -> None:
    """Approving is the county's (the office over that town), not the town's: 403 for anyone else."""
    if scoping.can(actor, scoping.CHANGE, CountyDecision(town)):
        return
    raise PermissionDenied(gettext("只有县（市）领导小组办公室可以批复。"))


def _not_future(day: datetime.date, field: str) -> None:
    if day > _today():
        raise ApplicationError(gettext("日期不能晚于今天。"), code="date_in_future", extra={field: [gettext("日期不能晚于今天。")]})


# --- 1. approvals of the establishment ---------------------------------------------------------


@transaction.atomic
def establishment_approve(
    *, town: Division, quota_kind: str, delta: int, document_kind: str, document_number: str,
    document_date: datetime.date, issued_by: str, funding_form: str = "", note: str = "", actor=None,
) -> EstablishmentApproval:
    """Record an approval document that adds (delta > 0) or takes away (delta < 0) posts of one
    kind in a town, and post it: approved → unallocated (establishment) or → free (leadership
    posts). A reduction that would take more than is unallocated (or vacant) is refused with the
    numbers: the institutions' posts must first be reduced by an approved plan."""
    _require_town(town)
    if document_kind == ApprovalDocumentKind.PLAN:
        raise ApplicationError(gettext("机构调整设置方案的编制分配在批复方案时自动记账。"), code="approval_plan_kind",
                               extra={"document_kind": [gettext("请在方案页面批复。")]})
    if not delta:
        raise ApplicationError(gettext("增减数不能为零。"), code="approval_zero", extra={"delta": [gettext("增减数不能为零。")]})
    if not (document_number or "").strip():
        raise ApplicationError(gettext("请填写批准文号。"), code="approval_no_number",
                               extra={"document_number": [gettext("请填写批准文号。")]})
    _not_future(document_date, "document_date")
    if EstablishmentApproval.objects.filter(town=town, quota_kind=quota_kind, document_number=document_number.strip()).exists():
        raise ConflictError(gettext("该批准文号的同类编制已登记。"), code="approval_duplicate",
                            extra={"document_number": [gettext("该批准文号的同类编制已登记。")]})
    source = approved_account(town, quota_kind, actor)
    if quota_kind in ESTABLISHMENT_KINDS:
        target = unallocated_account(town, quota_kind, actor)
    else:
        target = leader_account(town, quota_kind, "free", actor)
    number = document_number.strip()
    try:
        posting = _post(key=f"approval:{town.pk}:{quota_kind}:{number}", legs={source.pk: -delta, target.pk: delta},
                        kind="approve", booked_on=document_date, memo=f"{number} {QuotaKind(quota_kind).label} {delta:+d}",
                        actor=actor)
    except ApplicationError as exc:
        if exc.code != "ledger_insufficient":
            raise
        have = int(Balance.objects.get(account=target).available)
        if quota_kind in ESTABLISHMENT_KINDS:
            message = gettext("%(town)s%(kind)s未分配到机构的只有 %(have)s 名，不能核减 %(cut)s 名；"
                              "请先通过机构调整设置方案减少内设机构的编制。")
        else:
            message = gettext("%(town)s%(kind)s空缺只有 %(have)s 名，不能核减 %(cut)s 名。")
        raise ApplicationError(message % {"town": town.name, "kind": QuotaKind(quota_kind).label, "have": have,
                                          "cut": -delta}, code="establishment_insufficient",
                               extra={"delta": [gettext("可核减 %(n)s 名。") % {"n": have}]}) from None
    return save_validated(EstablishmentApproval(
        town=town, quota_kind=quota_kind, delta=delta, document_kind=document_kind, document_number=number,
        document_date=document_date, issued_by=issued_by, funding_form=funding_form, note=note, posting=posting,
    ), actor)


# --- 2. institutions through plans ---------------------------------------------------------------


@transaction.atomic
def plan_create(*, town: Division, title: str, reasons: str = "", actor=None) -> InstitutionPlan:
    """Draft a proposal to adjust the town's institutions (机构调整设置方案)."""
    _require_town(town)
    return save_validated(InstitutionPlan(town=town, title=title, reasons=reasons), actor)


def _locked_plan(plan: InstitutionPlan) -> InstitutionPlan:
    return InstitutionPlan.objects.select_for_update().select_related("town").get(pk=plan.pk)


@transaction.atomic
def plan_line_add(*, plan: InstitutionPlan, action: str, institution: Institution | None = None, name: str = "",
                  nature: str = "", is_key: bool = False, admin_posts: int = 0, public_posts: int = 0,
                  actor=None) -> InstitutionPlanLine:
    """Add one change to a draft plan: what an institution is to have once the plan is approved."""
    plan = _locked_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(gettext("方案已报批，不能再修改。"), code="plan_not_draft")
    if institution is not None and (institution.town_id != plan.town_id or not institution.is_active):
        raise ApplicationError(gettext("所选机构不是本镇现有的内设机构。"), code="plan_line_institution",
                               extra={"institution": [gettext("所选机构不是本镇现有的内设机构。")]})
    if institution is not None and not name:
        name = institution.name
    return save_validated(InstitutionPlanLine(
        plan=plan, action=action, institution=institution, name=name, nature=nature, is_key=is_key,
        admin_posts=admin_posts, public_posts=public_posts,
    ), actor)


@transaction.atomic
def plan_submit(*, plan: InstitutionPlan, actor=None) -> InstitutionPlan:
    """The town submits its plan to the county (报批)."""
    plan = _locked_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError(gettext("只有草拟的方案才能报批。"), code="plan_not_draft")
    if not plan.lines.exists():
        raise ApplicationError(gettext("方案还没有调整事项，不能报批。"), code="plan_empty")
    plan.status, plan.submitted_on = PlanStatus.SUBMITTED, _today()
    return save_validated(plan, actor)


@transaction.atomic
def plan_reject(*, plan: InstitutionPlan, actor, reason: str) -> InstitutionPlan:
    """The county refuses the plan; nothing changes in the institutions or the quotas."""
    _require_office(actor, plan.town)
    reason = require_reason(reason)
    plan = _locked_plan(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ConflictError(gettext("只有已报批的方案才能批复。"), code="plan_not_submitted")
    with actor_context(actor, reason=reason):
        plan.status, plan.decided_on, plan.decision_note = PlanStatus.REJECTED, _today(), reason
        return save_validated(plan, actor)


@transaction.atomic
def plan_approve(*, plan: InstitutionPlan, approval_number: str, approved_by: str, decided_on: datetime.date,
                 actor) -> InstitutionPlan:
    """The county approves the plan: institutions are set up, changed or abolished and their posts
    moved between the town's unallocated establishment and each institution (one posting per kind,
    the approval's number on it). An institution cannot be given fewer posts than it has people,
    nor more than the town has unallocated: refused with the numbers, nothing changed."""
    _require_office(actor, plan.town)
    plan = _locked_plan(plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise ConflictError(gettext("只有已报批的方案才能批复。"), code="plan_not_submitted")
    approval_number = (approval_number or "").strip()
    if not approval_number:
        raise ApplicationError(gettext("请填写批准文号。"), code="plan_no_number",
                               extra={"approval_number": [gettext("请填写批准文号。")]})
    _not_future(decided_on, "decided_on")
    town = plan.town
    legs: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in plan.lines.select_related("institution").order_by("id"):
        if line.action == PlanLineAction.CREATE:
            institution = save_validated(Institution(
                town=town, name=line.name, nature=line.nature, is_key=line.is_key,
                founding_document=approval_number, founded_on=decided_on), actor)
            line.institution = institution
            save_validated(line, actor)
        else:
            institution = Institution.objects.select_for_update().get(pk=line.institution_id)
            if not institution.is_active:
                raise ConflictError(gettext("“%(name)s”已撤销。") % {"name": institution.name}, code="plan_institution_gone")
        numbers = institution_numbers(institution)
        for kind, target in ((EstablishmentKind.ADMIN, line.admin_posts), (EstablishmentKind.PUBLIC, line.public_posts)):
            have = numbers[kind]
            if target < have["filled"]:
                raise ApplicationError(
                    gettext("“%(name)s”%(kind)s在编 %(filled)s 名，方案核定 %(target)s 名少于在编人数，不能批准。") % {
                        "name": institution.name, "kind": EstablishmentKind(kind).label, "filled": have["filled"],
                        "target": target}, code="plan_below_filled")
            delta = target - have["approved"]
            if delta:
                legs[kind][unallocated_account(town, kind, actor).pk] -= delta
                legs[kind][institution_account(institution, kind, "free", actor).pk] += delta
                institution_account(institution, kind, "filled", actor)
        if line.action == PlanLineAction.ABOLISH:
            if numbers[EstablishmentKind.ADMIN]["filled"] or numbers[EstablishmentKind.PUBLIC]["filled"]:
                raise ApplicationError(gettext("“%(name)s”尚有在编人员，不能撤销。") % {"name": institution.name},
                                       code="plan_abolish_people")
            institution.abolished_on = decided_on
            save_validated(institution, actor)
            Post.objects.filter(institution=institution).update(is_active=False)
        elif line.action == PlanLineAction.CHANGE and (line.is_key != institution.is_key):
            institution.is_key = line.is_key
            save_validated(institution, actor)
    for kind, kind_legs in legs.items():
        try:
            _post(key=f"plan:{plan.pk}:{kind}", legs=kind_legs, kind="allocate", booked_on=decided_on,
                  memo=f"{approval_number} {plan.title}", actor=actor)
        except ApplicationError as exc:
            if exc.code != "ledger_insufficient":
                raise
            account = unallocated_account(town, kind)
            have = int(Balance.objects.get(account=account).available)
            need = -sum(v for a, v in kind_legs.items() if a == account.pk)
            raise ApplicationError(
                gettext("方案需从%(town)s未分配的%(kind)s中增加 %(need)s 名，现只有 %(have)s 名，不能批准。") % {
                    "town": town.name, "kind": EstablishmentKind(kind).label, "need": need, "have": have},
                code="plan_insufficient") from None
    plan.status, plan.decided_on = PlanStatus.APPROVED, decided_on
    plan.approval_number, plan.approved_by = approval_number, approved_by
    return save_validated(plan, actor)


@transaction.atomic
def post_create(*, institution: Institution, title: str, kind: str, role: str, leader_level: str = "",
                actor=None) -> Post:
    """A post of an institution. Posts name the places people hold; the numbers are the ledger's."""
    if not institution.is_active:
        raise ConflictError(gettext("“%(name)s”已撤销。") % {"name": institution.name}, code="institution_abolished")
    return save_validated(Post(institution=institution, title=title, kind=kind, role=role, leader_level=leader_level), actor)


# --- 3. people and posts -------------------------------------------------------------------------


def _seat_legs(post: Post, sign: int, actor=None) -> dict[int, int]:
    """The legs that put a person on (sign +1) or take them off (−1) ``post``."""
    institution = post.institution
    legs = {institution_account(institution, post.kind, "free", actor).pk: -sign,
            institution_account(institution, post.kind, "filled", actor).pk: sign}
    if post.leader_level:
        quota = LEADER_QUOTA[post.leader_level]
        legs[leader_account(institution.town, quota, "free", actor).pk] = -sign
        legs[leader_account(institution.town, quota, "filled", actor).pk] = sign
    return legs


def _merge(*parts: dict[int, int]) -> dict[int, int]:
    merged: dict[int, int] = defaultdict(int)
    for part in parts:
        for account, amount in part.items():
            merged[account] += amount
    return dict(merged)


def _full_message(post: Post) -> str:
    """The numbers of the post's institution (and leadership level) now, for the refusal."""
    from .selectors_staffing import leader_numbers

    numbers = institution_numbers(post.institution)[post.kind]
    text = gettext("“%(name)s”%(kind)s已满：核定 %(approved)s 名，在编 %(filled)s 名，空编 %(free)s 名。") % {
        "name": post.institution.name, "kind": EstablishmentKind(post.kind).label, **numbers}
    if post.leader_level and numbers["free"] > 0:
        quota = LEADER_QUOTA[post.leader_level]
        lead = leader_numbers(post.institution.town)[quota]
        text = gettext("%(town)s%(kind)s已满：核定 %(approved)s 名，已配 %(filled)s 名，空缺 %(free)s 名。") % {
            "town": post.institution.town.name, "kind": QuotaKind(quota).label, **lead}
    return text


def _occupy(*, key: str, kind: str, legs: dict[int, int], post: Post, booked_on, memo: str, actor):
    try:
        return _post(key=key, legs=legs, kind=kind, booked_on=booked_on, memo=memo, actor=actor)
    except ApplicationError as exc:
        if exc.code != "ledger_insufficient":
            raise
        # The balances are locked by this transaction: the numbers are the ones that refused it.
        raise ApplicationError(_full_message(post), code="establishment_full",
                               extra={"post": [_full_message(post)]}) from None


def _check_post(post: Post, town: Division) -> Post:
    post = Post.objects.select_related("institution__town").get(pk=post.pk)
    if post.institution.town_id != town.pk:
        raise ApplicationError(gettext("岗位不属于该镇的内设机构。"), code="post_other_town",
                               extra={"post": [gettext("岗位不属于该镇的内设机构。")]})
    if not post.is_active or not post.institution.is_active:
        raise ApplicationError(gettext("该岗位已停用或所在机构已撤销。"), code="post_inactive",
                               extra={"post": [gettext("该岗位已停用或所在机构已撤销。")]})
    return post


@transaction.atomic
def person_enter(
    *, town: Division, name: str, id_number: str, birth_date: datetime.date, political_status: str,
    education: str, post: Post, entry_form: str, entry_document: str, entry_date: datetime.date,
    rank: str = Rank.CLERK, rank_since: datetime.date | None = None, phone: str = "", actor=None,
) -> Person:
    """Enter a person into establishment (入编: recruitment or transfer in) on a post, with the
    document and date: one posting takes a free post of the post's institution (and a leadership
    post when the post is one). A person who left before enters again on the same record."""
    _require_town(town)
    _not_future(entry_date, "entry_date")
    id_number = (id_number or "").strip().upper()
    post = _check_post(post, town)
    person = Person.objects.select_for_update().filter(id_number=id_number).first()
    if person is not None and person.status == PersonStatus.IN:
        raise ConflictError(gettext("该公民身份号码的人员已在编（%(town)s），不能重复入编。") % {"town": person.town.name},
                            code="person_already_in", extra={"id_number": [gettext("该人员已在编。")]})
    values = dict(town=town, name=name, id_number=id_number, birth_date=birth_date, phone=phone,
                  political_status=political_status, education=education, status=PersonStatus.IN, post=post,
                  rank=rank, rank_since=rank_since or entry_date, entry_form=entry_form,
                  entry_document=entry_document, entry_date=entry_date, exit_form="", exit_document="", exit_date=None)
    from .models import id_birth_date

    if id_birth_date(id_number) not in (None, birth_date):
        raise ApplicationError(gettext("出生日期与公民身份号码中的出生日期不一致。"), code="person_birth_mismatch",
                               extra={"birth_date": [gettext("出生日期与公民身份号码中的出生日期不一致。")]})
    if person is None:
        person = Person(**values)
    else:
        for field, value in values.items():
            setattr(person, field, value)
    person = save_validated(person, actor)
    seq = person.movements.count() + 1
    posting = _occupy(key=f"person:{person.pk}:{seq}", kind="enter", legs=_seat_legs(post, +1, actor), post=post,
                      booked_on=entry_date, memo=f"enter:{person.pk} {entry_document}", actor=actor)
    save_validated(StaffingMovement(person=person, kind=MovementKind.ENTRY, form=entry_form,
                                    document_number=entry_document, document_date=entry_date, post_to=post,
                                    rank_to=person.rank, posting=posting), actor)
    return person


def _locked_person(person: Person) -> Person:
    return Person.objects.select_for_update(of=("self",)).select_related("post__institution__town", "town").get(pk=person.pk)


@transaction.atomic
def person_exit(*, person: Person, exit_form: str, document_number: str, document_date: datetime.date,
                actor=None) -> Person:
    """Take a person out of establishment (出编: transfer out, retirement, resignation, dismissal):
    their post becomes free again, in one posting."""
    person = _locked_person(person)
    if person.status != PersonStatus.IN:
        raise ConflictError(gettext("%(name)s已不在编。") % {"name": person.name}, code="person_not_in")
    if document_date < person.entry_date:
        raise ApplicationError(gettext("出编日期不能早于入编日期。"), code="exit_before_entry",
                               extra={"document_date": [gettext("出编日期不能早于入编日期。")]})
    _not_future(document_date, "document_date")
    post = person.post
    seq = person.movements.count() + 1
    posting = _post(key=f"person:{person.pk}:{seq}", legs=_seat_legs(post, -1, actor), kind="exit",
                    booked_on=document_date, memo=f"exit:{person.pk} {document_number}", actor=actor)
    person.status, person.post = PersonStatus.OUT, None
    person.exit_form, person.exit_document, person.exit_date = exit_form, document_number, document_date
    person = save_validated(person, actor)
    save_validated(StaffingMovement(person=person, kind=MovementKind.EXIT, form=exit_form,
                                    document_number=document_number, document_date=document_date, post_from=post,
                                    rank_from=person.rank, posting=posting), actor)
    return person


@transaction.atomic
def person_move(*, person: Person, post: Post, document_number: str, document_date: datetime.date,
                actor=None) -> Person:
    """Move a person to another post of the town (岗位调整): the old post freed and the new one
    taken in one posting (nothing to post when both are of the same institution, kind and level)."""
    person = _locked_person(person)
    if person.status != PersonStatus.IN:
        raise ConflictError(gettext("%(name)s已不在编。") % {"name": person.name}, code="person_not_in")
    post = _check_post(post, person.town)
    if post.pk == person.post_id:
        raise ApplicationError(gettext("新岗位与现岗位相同。"), code="move_same_post", extra={"post": [gettext("新岗位与现岗位相同。")]})
    _not_future(document_date, "document_date")
    old = person.post
    seq = person.movements.count() + 1
    legs = _merge(_seat_legs(old, -1, actor), _seat_legs(post, +1, actor))
    posting = _occupy(key=f"person:{person.pk}:{seq}", kind="move", legs=legs, post=post, booked_on=document_date,
                      memo=f"move:{person.pk} {document_number}", actor=actor)
    person.post = post
    person = save_validated(person, actor)
    save_validated(StaffingMovement(person=person, kind=MovementKind.MOVE, document_number=document_number,
                                    document_date=document_date, post_from=old, post_to=post, posting=posting), actor)
    return person


@transaction.atomic
def person_rank_up(*, person: Person, rank: str, document_number: str, document_date: datetime.date,
                   actor=None) -> Person:
    """Rank a person above their post (高配) when a rule allows it (rules_staffing.RANK_UP_RULES);
    otherwise refused with every condition that is not met, nothing written."""
    person = _locked_person(person)
    institution = person.post.institution if person.post_id else None
    rule, reasons = rank_up_check(person=person, post=person.post, institution=institution,
                                  town_is_pilot=town_is_pilot(person.town), target=rank, on=document_date)
    if rule is None:
        raise ApplicationError(" ".join(reasons), code="rank_up_refused", extra={"rank": reasons})
    _not_future(document_date, "document_date")
    if not (document_number or "").strip():
        raise ApplicationError(gettext("请填写任职文号。"), code="rank_up_no_number",
                               extra={"document_number": [gettext("请填写任职文号。")]})
    old = person.rank
    person.rank, person.rank_since = rank, document_date
    person = save_validated(person, actor)
    save_validated(StaffingMovement(person=person, kind=MovementKind.RANK_UP, document_number=document_number,
                                    document_date=document_date, rank_from=old, rank_to=rank, rule=rule.code), actor)
    return person


@transaction.atomic
def person_update(*, person: Person, actor=None, **fields) -> Person:
    """Correct a person's particulars (phone, political status, education, name). The post, the
    rank and the status change only through their own steps."""
    allowed = {"name", "phone", "political_status", "education"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(gettext("这些项目须通过入编、出编、调岗或高配办理。"), code="person_update_field")
    person = _locked_person(person)
    for field, value in fields.items():
        setattr(person, field, value)
    return save_validated(person, actor)


# --- 4. payroll counts -----------------------------------------------------------------------------


@transaction.atomic
def payroll_count_record(*, town: Division, month: datetime.date, kind: str, count: int, note: str = "",
                         actor=None) -> PayrollCount:
    """Record how many people of a kind the finance bureau paid in a town in a month; a second
    record of the same month replaces the figure (the history keeps the old one)."""
    _require_town(town)
    month = month.replace(day=1)
    if month > _today():
        raise ApplicationError(gettext("月份不能晚于本月。"), code="payroll_future", extra={"month": [gettext("月份不能晚于本月。")]})
    row = PayrollCount.objects.select_for_update().filter(town=town, month=month, kind=kind).first()
    if row is None:
        row = PayrollCount(town=town, month=month, kind=kind, count=count, note=note)
    else:
        row.count, row.note = count, note
    return save_validated(row, actor)


def validation_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)
