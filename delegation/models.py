"""The delegated-authority catalogue (DOMAIN.md §2): items, batches, assignments to receiving
bodies, agreements, training, and the exercise records towns file."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import files, uploads
from core.deadlines import (
    DeadlineRule,
    DeadlineStatus,
    deadline_status,
    deadline_status_q,
    validate_deadline_rule,
)
from core.history import protect_deletes, track
from core.models import AuditedModel
from personnel.models import Officer
from regions.choices import Role
from regions.models import Department, Division

from .choices import BatchState, Category, ItemStatus, LimitUnit, Mode, Outcome, TakeOverStatus, TrainingKind


@track()
class Batch(AuditedModel):
    """A batch (批次) in which items are published, with the date they take effect."""

    division = models.ForeignKey(Division, verbose_name=_("公布机关所在区划"), on_delete=models.PROTECT, related_name="batches")
    code = models.CharField(_("批次编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    effective_on = models.DateField(_("施行日期"))

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)
    jurisdiction_ancestors_visible = True  # a published catalogue is read by the towns below it

    class Meta:
        verbose_name = _("下放批次")
        verbose_name_plural = _("下放批次")
        ordering = ["-effective_on", "code"]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        if self.published_on and self.effective_on and self.published_on > self.effective_on:
            raise ValidationError({"published_on": _("公布日期不能晚于施行日期。")})

    @property
    def is_open(self) -> bool:
        """Not published yet: draft items may still be published into it."""
        return self.published_on is None

    def state(self, today) -> str:
        """待公布 (open) → 已公布 → 已施行, derived from the two dates (``BatchState``)."""
        if self.published_on is None:
            return BatchState.OPEN
        return BatchState.IN_FORCE if self.effective_on <= today else BatchState.PUBLISHED


@track()
class Item(AuditedModel):
    """A delegated power (事项): what is handed down, by whom, on what legal basis, by which route."""

    code = models.CharField(_("事项编码"), max_length=32, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("事项类别"), max_length=32, choices=Category.choices)
    department = models.ForeignKey(Department, verbose_name=_("下放部门"), on_delete=models.PROTECT, related_name="items")
    legal_basis = models.CharField(_("实施依据（法律法规）"), max_length=200)
    legal_article = models.CharField(_("条款"), max_length=100, blank=True)
    # The route before and after delegation: who reviews, who approves, who is filed with.
    route_before_review = models.CharField(_("下放前·审查机关"), max_length=100, blank=True)
    route_before_approval = models.CharField(_("下放前·审批机关"), max_length=100)
    route_before_filing = models.CharField(_("下放前·备案机关"), max_length=100, blank=True)
    route_after_review = models.CharField(_("下放后·审查机关"), max_length=100, blank=True)
    route_after_approval = models.CharField(_("下放后·审批机关"), max_length=100)
    route_after_filing = models.CharField(_("下放后·备案机关"), max_length=100, blank=True)
    filing_body = models.CharField(_("备案机关"), max_length=100, blank=True)
    filing_deadline = models.CharField(
        _("备案期限"), max_length=8, default="1M", validators=[validate_deadline_rule],
        help_text=_("如 1M（1个月）、30D（30日）、20WD（20个工作日）"),
    )
    statutory_limit = models.PositiveSmallIntegerField(_("法定时限"), null=True, blank=True)
    statutory_limit_unit = models.CharField(_("法定时限单位"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    promised_limit = models.PositiveSmallIntegerField(_("承诺时限"), null=True, blank=True)
    promised_limit_unit = models.CharField(_("承诺时限单位"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    spans_several_towns = models.BooleanField(_("跨镇域事项"), default=False, help_text=_("涉及多个镇的事项不得下放给单个镇"))
    batch = models.ForeignKey(Batch, verbose_name=_("批次"), on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT, editable=False)

    jurisdiction_field = "department__division"
    jurisdiction_writers = (Role.OFFICE,)
    jurisdiction_ancestors_visible = True

    class Meta:
        verbose_name = _("下放事项")
        verbose_name_plural = _("下放事项")
        ordering = ["code"]
        indexes = [models.Index(fields=["status", "department"], name="item_status_dept")]
        constraints = [
            models.CheckConstraint(
                name="item_promised_within_statutory",
                condition=Q(promised_limit__isnull=True) | Q(statutory_limit__isnull=True)
                | ~Q(promised_limit_unit=models.F("statutory_limit_unit"))
                | Q(promised_limit__lte=models.F("statutory_limit")),
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def filing_rule(self) -> DeadlineRule:
        return DeadlineRule.parse(self.filing_deadline)

    def clean(self):
        errors = {}
        if (
            self.promised_limit is not None and self.statutory_limit is not None
            and self.promised_limit_unit == self.statutory_limit_unit and self.promised_limit > self.statutory_limit
        ):
            errors["promised_limit"] = _("承诺时限不得超过法定时限。")
        if errors:
            raise ValidationError(errors)


@track()
class ItemStatusChange(models.Model):  # noqa: DJ008 - a log row, shown only in lists
    """One step of an item's life cycle: who, when, why, and from which date it applies.

    ``effective_on`` lets a record be checked against the status on its decision date.
    """

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ItemStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ItemStatus.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    actor = models.ForeignKey("auth.User", verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    jurisdiction_field = "item__department__division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("事项状态变更")
        verbose_name_plural = _("事项状态变更")
        ordering = ["item", "effective_on", "id"]
        triggers = [protect_deletes()]


@track()
class Agreement(AuditedModel):
    """The signed agreement (授权/放权委托协议书) between the granting department and the receiving body."""

    number = models.CharField(_("协议编号"), max_length=64, unique=True)
    department = models.ForeignKey(Department, verbose_name=_("委托（下放）部门"), on_delete=models.PROTECT, related_name="agreements")
    division = models.ForeignKey(Division, verbose_name=_("承接主体"), on_delete=models.PROTECT, related_name="agreements")
    department_signatory = models.CharField(_("部门签署人"), max_length=64)
    receiver_signatory = models.CharField(_("承接方签署人"), max_length=64)
    signed_on = models.DateField(_("签署日期"))
    # Served only through core/files.py (registered in apps.py), stored under an unguessable name.
    scan = files.FileField(_("协议扫描件"), upload_to=files.UploadTo("agreements/%Y/"), blank=True, accept=uploads.SCANS)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("协议书")
        verbose_name_plural = _("协议书")
        ordering = ["-signed_on", "number"]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.number

    def clean(self):
        errors = {}
        if self.department_id and self.division_id and not self.division.is_within(self.department.division):
            errors["division"] = _("承接主体必须在下放部门所属区划的管辖范围内。")
        # An agreement is registered once signed: a date ahead of today is a typing error (2027 for 2026).
        today = timezone.localdate()
        if self.signed_on and self.signed_on > today:
            errors["signed_on"] = gettext("签署日期（%(signed_on)s）不能晚于今天（%(today)s）：协议书签署后才能登记。") % {
                "signed_on": f"{self.signed_on:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"}
        if errors:
            raise ValidationError(errors)


@track()
class Assignment(AuditedModel):
    """An item assigned to a receiving body (a town, or a county under 扩权强县) in a mode."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="assignments")
    division = models.ForeignKey(Division, verbose_name=_("承接主体"), on_delete=models.PROTECT, related_name="assignments")
    mode = models.CharField(_("方式"), max_length=16, choices=Mode.choices)
    receiving_unit = models.CharField(_("承接机构"), max_length=100, default="便民服务中心")
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("协议书"), on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    assigned_on = models.DateField(_("交办日期"))
    takeover_status = models.CharField(
        _("承接状态"), max_length=16, choices=TakeOverStatus.choices, default=TakeOverStatus.ASSIGNED, editable=False
    )
    taken_over_on = models.DateField(_("承接日期"), null=True, blank=True, editable=False)
    revoked_on = models.DateField(_("收回日期"), null=True, blank=True, editable=False)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("事项承接")
        verbose_name_plural = _("事项承接")
        ordering = ["item__code", "division__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "division"], condition=~Q(takeover_status="revoked"), name="assignment_one_active"
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.item.name} → {self.division.name}"

    def clean(self):
        from regions.choices import Level

        errors = {}
        if self.item_id and self.division_id:
            granting = self.item.department.division
            if not self.division.is_within(granting) or self.division_id == granting.id:
                errors["division"] = _("承接主体必须是下放部门所属区划的下级区划。")
            elif self.item.spans_several_towns and self.division.level == Level.TOWN:
                errors["item"] = _("该事项涉及多个镇，不得下放给单个镇。")
        if self.agreement_id and self.item_id and self.division_id:
            if self.agreement.division_id != self.division_id or self.agreement.department_id != self.item.department_id:
                errors["agreement"] = _("协议书的签署双方必须是该事项的下放部门和承接主体。")
        # A power cannot be taken back before it was taken over (or, never taken over, assigned).
        start = self.taken_over_on or self.assigned_on
        if self.revoked_on and start and self.revoked_on < start:
            errors["revoked_on"] = gettext("收回日期（%(on)s）不能早于%(what)s（%(start)s）。") % {
                "on": f"{self.revoked_on:%Y-%m-%d}", "start": f"{start:%Y-%m-%d}",
                "what": gettext("承接日期") if self.taken_over_on else gettext("交办日期")}
        if errors:
            raise ValidationError(errors)


@track()
class Training(AuditedModel):
    """A training session (放权/接权/专题培训) for a receiving body."""

    division = models.ForeignKey(Division, verbose_name=_("参训单位"), on_delete=models.PROTECT, related_name="trainings")
    department = models.ForeignKey(Department, verbose_name=_("培训部门"), on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField(_("培训类型"), max_length=16, choices=TrainingKind.choices)
    title = models.CharField(_("培训主题"), max_length=200)
    held_on = models.DateField(_("培训日期"))
    attendees = models.PositiveIntegerField(_("参训人数"), default=0)
    items = models.ManyToManyField(Item, verbose_name=_("涉及事项"), blank=True, related_name="trainings")

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on"]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.held_on} {self.title}"


@track()
class ExerciseRecord(AuditedModel):
    """A decision a receiving body made under a delegated item (办件), and its filing (备案).

    The filing is due by the item's filing rule counted from the decision date (DOMAIN.md §0,
    临溪: within one month). Rules shared by every way in live in ``clean()``, which uses
    ``delegation.rules.ExerciseRules`` for its lookups so that an import can preload them.
    """

    # Not indexed alone: the (division, -id) and (item, -id) indexes below serve every lookup.
    division = models.ForeignKey(
        Division, verbose_name=_("承接主体"), on_delete=models.PROTECT, related_name="exercise_records", db_index=False
    )
    item = models.ForeignKey(
        Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="exercise_records", db_index=False
    )
    applicant = models.CharField(_("申请人"), max_length=200)
    received_on = models.DateField(_("受理日期"))
    decided_on = models.DateField(_("办结（决定）日期"))
    outcome = models.CharField(_("办理结果"), max_length=16, choices=Outcome.choices)
    decision_number = models.CharField(_("决定文号"), max_length=64)
    officer = models.ForeignKey(
        Officer, verbose_name=_("承办人"), on_delete=models.PROTECT, null=True, blank=True, related_name="exercise_records"
    )
    filing_due_on = models.DateField(_("备案期限"), editable=False)
    # The due date counted through a year whose holidays were not entered yet (weekends only,
    # DOMAIN.md §0): shown as 暂定, recomputed by services.record_due_recompute when it is.
    # db_default: the COPY import path and raw inserts that predate the column stay valid.
    filing_due_provisional = models.BooleanField(_("备案期限为暂定"), default=False, db_default=False, editable=False)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    # 补录 (issue 10): a filing recorded after its due date but dated on or before it. Who could
    # back-date an overdue record to on time must show the receiving department's 回执 (number
    # or scan); the flag stays for the office and the auditor. Derived in full_clean (rules.py).
    filing_recorded_on = models.DateField(_("备案登记日期"), null=True, blank=True, editable=False)
    filing_late_entry = models.BooleanField(_("补录"), default=False, db_default=False, editable=False)
    filing_receipt_number = models.CharField(_("备案回执编号"), max_length=64, blank=True, default="", db_default="")
    filing_receipt_scan = files.FileField(_("备案回执扫描件"), upload_to=files.UploadTo("receipts/%Y/"), blank=True,
                                          default="", db_default="", accept=uploads.SCANS)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.CLERK, Role.OFFICE)
    unique_messages = {  # core.messages: the clerk's words for the unique key
        ("division", "decision_number"): _("本单位（{division}）已登记决定文号为“{decision_number}”的办件。"),
    }

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["division", "-id"], name="record_division_id"),
            models.Index(fields=["item", "-id"], name="record_item_id"),
            models.Index(
                fields=["filing_due_on", "division"], condition=Q(filed_on__isnull=True), name="record_unfiled_due"
            ),
            # A town's or a county's unfiled records (overdue count and due-soon box of the record
            # list): bench/ measured 9 ms (town) and 45 ms (county) per page without it, 0.1-0.4 ms with it.
            models.Index(
                fields=["division", "filing_due_on"], condition=Q(filed_on__isnull=True),
                name="record_unfiled_division_due",
            ),
            # The few provisional rows: the office's count and the recompute's candidates.
            models.Index(
                fields=["filing_due_on", "division"], condition=Q(filing_due_provisional=True),
                name="record_provisional_due",
            ),
            # The few late entries (补录): the overdue page's count and the record list's filter.
            models.Index(fields=["division", "-id"], condition=Q(filing_late_entry=True), name="record_late_entry"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["division", "decision_number"], name="record_decision_number_unique"),
            models.CheckConstraint(name="record_decided_after_received", condition=Q(decided_on__gte=models.F("received_on"))),
            models.CheckConstraint(
                name="record_filed_after_decided", condition=Q(filed_on__isnull=True) | Q(filed_on__gte=models.F("decided_on"))
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.decision_number} {self.applicant}"

    # The checker of the rules above (delegation.rules.ExerciseRules). It reads other models, so
    # it sits above this module and is handed to it (DelegationConfig.ready): models never
    # import rules (the layer contract in pyproject.toml).
    rules_class = None

    def rules(self):
        """The rule checker for this record; an import sets a shared, preloaded one."""
        if getattr(self, "_rules", None) is None:
            if self.rules_class is None:
                raise ImproperlyConfigured("ExerciseRecord.rules_class is set in DelegationConfig.ready()")
            self._rules = self.rules_class()
        return self._rules

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        # What the stored due date was computed from (see full_clean).
        record._due_basis = (record.__dict__.get("item_id"), record.__dict__.get("decided_on"))
        record._filed_basis = record.__dict__.get("filed_on")  # a filing recorded now differs (rules.prepare_filing)
        return record

    def full_clean(self, *args, **kwargs):
        # The due date is derived, so compute it before validating; but only for a new record or a
        # changed decision: a later change of the item's filing rule must not move the deadline of
        # a decision already made (filing would otherwise turn a late record into an on-time one).
        if self._state.adding or getattr(self, "_due_basis", None) != (self.item_id, self.decided_on):
            self.rules().prepare(self)
        self.rules().prepare_filing(self)
        if self.filing_due_on is None:  # not counted: check() says why (the decision date)
            kwargs["exclude"] = {*(kwargs.get("exclude") or ()), "filing_due_on"}
        super().full_clean(*args, **kwargs)

    def clean(self):
        self.rules().check(self)

    def filing_state(self, today) -> DeadlineStatus:
        """On time / late / overdue / pending as of ``today`` (core.deadlines.deadline_status)."""
        return deadline_status(self.filing_due_on, self.filed_on, today)

    @staticmethod
    def filing_state_q(state: str, today) -> Q:
        """The records whose ``filing_state(today)`` is ``state``, as a query condition: every
        list filter, count and chart of filing states uses this one."""
        return deadline_status_q(state, today, due="filing_due_on", done="filed_on")


@track()
class FilingDueRecomputed(models.Model):
    """A provisional filing due date that moved when its year's holidays were entered (重算记录).

    Written only by ``services.record_due_recompute``; the office reads the list to tell the
    towns whose deadline changed. A row per record and year (a due date counted through two
    unknown years may move twice).
    """

    record = models.ForeignKey(
        ExerciseRecord, verbose_name=_("办件记录"), on_delete=models.PROTECT, related_name="due_recomputations"
    )
    year = models.PositiveSmallIntegerField(_("录入的年度"))
    old_due_on = models.DateField(_("原备案期限（暂定）"))
    new_due_on = models.DateField(_("重算后的备案期限"))
    still_provisional = models.BooleanField(_("仍为暂定"), default=False,
                                            help_text=_("期间还经过另一个尚未录入的年度"))
    at = models.DateTimeField(_("重算时间"), auto_now_add=True)
    actor = models.ForeignKey(
        "auth.User", verbose_name=_("录入人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    jurisdiction_field = "record__division"
    jurisdiction_writers = ()  # written by the recompute service only

    class Meta:
        verbose_name = _("备案期限重算记录")
        verbose_name_plural = _("备案期限重算记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="due_recomputed_at")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.record_id}: {self.old_due_on} → {self.new_due_on}"
