"""Construction-land quotas (DOMAIN.md §5): a division's quota of a year, kept on the core ledger
(ledger code ``landuse``, unit mu with four decimals), how it moved down the hierarchy and across
counties, what towns gained (consolidation, reclamation, linkage) and the projects that reserve
and draw it.

The quota itself lives on the ledger (``core.ledger``): every division has one account per year
and pool (``QuotaAccount`` names it), the province's quota comes from a source account that only
gives (the national plan), a town's gains from a source account of its own, and what projects
use goes to the town's "used" account of the year. These rows say why quota moved; nothing here
is deleted, a movement is corrected by a reversal on the ledger.

l2's block (farmland balance, reclamation) follows at the end of this module.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel
from regions.choices import Role
from regions.models import Division

from .choices import GainKind, MovementKind, Pool, ProjectKind, ProjectStatus

MU = {"max_digits": 14, "decimal_places": 4}
ZERO_MU = Decimal("0.0000")
YEAR = {"validators": [MinValueValidator(2000), MaxValueValidator(2199)]}


@track()
class QuotaAccount(AuditedModel):
    """One division's quota of one year in one pool (一般指标 / 试点镇专项 / 招拍挂): the ledger
    account that holds it. Opened by the services the first time quota moves into it."""

    division = models.ForeignKey(Division, verbose_name=_("区划"), on_delete=models.PROTECT,
                                 related_name="quota_accounts")
    year = models.PositiveSmallIntegerField(_("指标年度"), **YEAR)
    pool = models.CharField(_("指标类别"), max_length=16, choices=Pool.choices, default=Pool.GENERAL)
    account = models.OneToOneField("ledger.Account", verbose_name=_("台账账户"), on_delete=models.PROTECT,
                                   related_name="+")

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE, Role.SUPERIOR)

    class Meta:
        verbose_name = _("用地指标账户")
        verbose_name_plural = _("用地指标账户")
        ordering = ["division_id", "-year", "pool"]
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "pool"], name="landuse_account_unique"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.division.name} {self.year}年 {self.get_pool_display()}"


@track()
class ClosedYear(AuditedModel):
    """A quota year closed for a division and everything below it (年度指标结转关闭): no
    allocation, gain, reservation or draw of that year is recorded any more."""

    division = models.ForeignKey(Division, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("指标年度"), **YEAR)
    closed_on = models.DateField(_("关闭日期"))
    document_number = models.CharField(_("文号"), max_length=64, blank=True)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("已关闭的指标年度")
        verbose_name_plural = _("已关闭的指标年度")
        ordering = ["-year", "division_id"]
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="landuse_closed_year_unique")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.division.name} {self.year}年"


@track()
class Allocation(AuditedModel):
    """Quota moved from one account to another (指标下达 / 切块 / 跨县调剂), one ledger posting.

    ``source`` is empty for ``issue`` (the national plan into a province). A wrong movement is
    reversed (``reversal_posting``): the quota goes back if the receiver still has it available.
    """

    kind = models.CharField(_("类型"), max_length=16, choices=MovementKind.choices)
    year = models.PositiveSmallIntegerField(_("指标年度"), **YEAR)
    source = models.ForeignKey(QuotaAccount, verbose_name=_("调出账户"), on_delete=models.PROTECT, null=True,
                               blank=True, related_name="allocations_out")
    target = models.ForeignKey(QuotaAccount, verbose_name=_("调入账户"), on_delete=models.PROTECT,
                               related_name="allocations_in")
    amount_mu = models.DecimalField(_("面积（亩）"), **MU)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    allocated_on = models.DateField(_("下达日期"))
    memo = models.CharField(_("说明"), max_length=500, blank=True)
    posting = models.OneToOneField("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                   related_name="+")
    reversal_posting = models.OneToOneField("ledger.Posting", verbose_name=_("冲销凭证"), on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+")
    reversal_reason = models.CharField(_("冲销理由"), max_length=500, blank=True)

    # Scoped by the receiving division; the giving division's office writes it (services check).
    jurisdiction_field = "target__division"
    jurisdiction_writers = (Role.OFFICE, Role.SUPERIOR)

    class Meta:
        verbose_name = _("指标下达")
        verbose_name_plural = _("指标下达")
        ordering = ["-allocated_on", "-id"]
        constraints = [
            models.CheckConstraint(name="landuse_allocation_amount_gt_0", condition=Q(amount_mu__gt=0)),
            models.CheckConstraint(
                name="landuse_allocation_source_iff_not_issue",
                condition=Q(kind=MovementKind.ISSUE, source__isnull=True)
                | (~Q(kind=MovementKind.ISSUE) & Q(source__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="landuse_allocation_year_kind")]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.year}年 {self.get_kind_display()} {self.amount_mu}亩"


@track()
class QuotaGain(AuditedModel):
    """Quota a town gained after acceptance (验收): land consolidation, reclamation, or released
    through linkage (增减挂钩). Kept by the town (DOMAIN.md §5). ``source_key`` names what the gain
    comes from ("reclamation:12"): the same acceptance never adds quota twice."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("指标年度"), **YEAR)
    kind = models.CharField(_("来源"), max_length=16, choices=GainKind.choices)
    amount_mu = models.DecimalField(_("新增指标（亩）"), **MU)
    accepted_on = models.DateField(_("验收日期"))
    document_number = models.CharField(_("验收文号"), max_length=64, blank=True)
    basis = models.CharField(_("依据"), max_length=500)
    source_key = models.CharField(_("来源标识"), max_length=128, unique=True)
    posting = models.OneToOneField("ledger.Posting", verbose_name=_("记账凭证"), on_delete=models.PROTECT,
                                   related_name="+")

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("新增指标")
        verbose_name_plural = _("新增指标")
        ordering = ["-accepted_on", "-id"]
        constraints = [models.CheckConstraint(name="landuse_gain_amount_gt_0", condition=Q(amount_mu__gt=0))]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.town.name} {self.get_kind_display()} {self.amount_mu}亩"


@track()
class Project(AuditedModel):
    """A project that uses construction land (用地项目): its areas, approval documents and dates,
    whether it lies in the industrial zone, and its quota on the ledger.

    Under review its quota is reserved (``reservation``, a pending posting that expires on
    ``reservation_expires_on``); approval posts it (``draw``), rejection or withdrawal voids it.
    New industrial projects belong in the industrial zone: one outside needs a reason and is
    flagged. ``qualifying`` projects (符合条件的项目) get quota first: a town's quota is not
    reserved for another project while qualifying projects of the year wait for it.
    """

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="land_projects")
    year = models.PositiveSmallIntegerField(_("指标年度"), **YEAR)
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=16, choices=ProjectKind.choices)
    area_mu = models.DecimalField(_("用地面积（亩）"), **MU)
    quota_mu = models.DecimalField(_("使用指标（亩）"), **MU)
    farmland_mu = models.DecimalField(_("占用耕地（亩）"), default=ZERO_MU, **MU)
    in_industrial_zone = models.BooleanField(_("位于工业集中区"), default=False)
    outside_zone_reason = models.CharField(_("园区外选址理由"), max_length=500, blank=True)
    flagged = models.BooleanField(_("园区外工业项目"), default=False, editable=False)
    qualifying = models.BooleanField(_("符合优先条件"), default=False)
    priority_reason = models.CharField(_("优先理由"), max_length=500, blank=True)
    application_document = models.CharField(_("报批文号"), max_length=64, blank=True)
    applied_on = models.DateField(_("报批日期"), null=True, blank=True)
    approval_document = models.CharField(_("批准文号"), max_length=64, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    status_reason = models.CharField(_("退回或撤回理由"), max_length=500, blank=True)
    reservation = models.ForeignKey("ledger.Posting", verbose_name=_("预留凭证"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)
    reservation_expires_on = models.DateField(_("预留到期日"), null=True, blank=True, editable=False)
    reservation_provisional = models.BooleanField(_("到期日暂定"), default=False, editable=False)
    draw = models.ForeignKey("ledger.Posting", verbose_name=_("用地凭证"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+", editable=False)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("用地项目")
        verbose_name_plural = _("用地项目")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="landuse_project_area_gt_0", condition=Q(area_mu__gt=0)),
            models.CheckConstraint(name="landuse_project_quota_gt_0", condition=Q(quota_mu__gt=0)),
            models.CheckConstraint(name="landuse_project_farmland_gte_0", condition=Q(farmland_mu__gte=0)),
            models.CheckConstraint(name="landuse_project_quota_lte_area", condition=Q(quota_mu__lte=models.F("area_mu"))),
            models.CheckConstraint(name="landuse_project_farmland_lte_area",
                                   condition=Q(farmland_mu__lte=models.F("area_mu"))),
            models.CheckConstraint(
                name="landuse_project_outside_zone_reason",
                condition=~Q(kind=ProjectKind.INDUSTRIAL, in_industrial_zone=False) | ~Q(outside_zone_reason=""),
            ),
            models.CheckConstraint(
                name="landuse_project_flagged",
                condition=Q(flagged=True, kind=ProjectKind.INDUSTRIAL, in_industrial_zone=False)
                | (Q(flagged=False) & ~Q(kind=ProjectKind.INDUSTRIAL, in_industrial_zone=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["town", "year", "status"], name="landuse_project_town_year"),
            models.Index(fields=["reservation_expires_on"], name="landuse_project_expiry",
                         condition=Q(status=ProjectStatus.UNDER_REVIEW)),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    @property
    def pool(self) -> str:
        """The pool the project draws from: commercial land from the 招拍挂 part, the rest general."""
        return Pool.COMMERCIAL if self.kind == ProjectKind.COMMERCIAL else Pool.GENERAL

    def _set_flagged(self) -> None:
        """An industrial project outside the zone is flagged; set before the constraints are
        validated (full_clean) and again on every save, so the flag always follows the fields."""
        self.flagged = self.kind == ProjectKind.INDUSTRIAL and not self.in_industrial_zone

    def save(self, *args, **kwargs):
        self._set_flagged()
        super().save(*args, **kwargs)

    def clean(self):
        self._set_flagged()
        errors = {}
        if self.kind == ProjectKind.INDUSTRIAL and not self.in_industrial_zone and not self.outside_zone_reason.strip():
            errors["outside_zone_reason"] = gettext("新引进的工业项目应向园区集中；选址在工业集中区外的，须写明理由。")
        if self.quota_mu is not None and self.area_mu is not None and self.quota_mu > self.area_mu:
            errors["quota_mu"] = gettext("使用指标（%(quota)s亩）不能大于用地面积（%(area)s亩）。") % {
                "quota": self.quota_mu, "area": self.area_mu}
        if self.farmland_mu is not None and self.area_mu is not None and self.farmland_mu > self.area_mu:
            errors["farmland_mu"] = gettext("占用耕地（%(farmland)s亩）不能大于用地面积（%(area)s亩）。") % {
                "farmland": self.farmland_mu, "area": self.area_mu}
        if self.qualifying and not self.priority_reason.strip():
            errors["priority_reason"] = gettext("符合优先条件的项目须写明理由（如列入县重点建设项目）。")
        if self.approved_on and self.applied_on and self.approved_on < self.applied_on:
            errors["approved_on"] = gettext("批准日期不能早于报批日期。")
        if errors:
            raise ValidationError(errors)


# --- farmland balance and reclamation (l2) --------------------------------------------------------
# Reclamation (复垦): farmland newly made in a town. Accepted (验收), it adds quota to the town (a
# QuotaGain) and earns the per-mu subsidy, which landuse records in finance through finance's
# service (finance never imports landuse); the acceptance is a row of its own, one per
# reclamation (a unique key the database holds), linked to the gain and to finance's record, so
# the same acceptance never adds quota or pays twice. Balancing entries (占补平衡县级统筹): the
# county replaces farmland for a town that cannot replace what its projects occupied.

import pgtrigger  # noqa: E402 - l2's block keeps its imports with it

from .choices import BalancingSource, ReclamationKind, ReclamationStatus  # noqa: E402

MONEY = {"max_digits": 16, "decimal_places": 2}


def _written_once():
    """Facts once recorded: UPDATE and DELETE refused by the database."""
    return [pgtrigger.Protect(name="protect_updates", operation=pgtrigger.Update), protect_deletes()]


@track()
class Reclamation(AuditedModel):
    """A reclamation project (复垦/土地整理项目): where, how much new farmland (mu), its acceptance.

    Registered by the town (or the office) while pending; accepted or refused by the county
    office (``reclamation_accept`` / ``reclamation_reject``). The accepted area is the
    acceptance's (核定面积), which may be less than the area applied for."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=ReclamationKind.choices)
    location = models.CharField(_("地块位置"), max_length=200, blank=True)
    area_mu = models.DecimalField(_("申报新增耕地（亩）"), **MU)
    applied_on = models.DateField(_("申请验收日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ReclamationStatus.choices,
                              default=ReclamationStatus.PENDING, editable=False)
    status_reason = models.CharField(_("未通过理由"), max_length=500, blank=True, editable=False)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE, Role.CLERK)

    class Meta:
        verbose_name = _("复垦项目")
        verbose_name_plural = _("复垦项目")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="landuse_reclamation_area_gt_0", condition=Q(area_mu__gt=0)),
            models.CheckConstraint(name="landuse_reclamation_rejected_reason",
                                   condition=~Q(status="rejected") | ~Q(status_reason="")),
        ]
        indexes = [models.Index(fields=["town", "status"], name="landuse_reclamation_town")]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name


@track()
class ReclamationAcceptance(AuditedModel):
    """The acceptance (验收) of a reclamation, written once: the area accepted, the quota it added
    (``gain``) and the subsidy recorded in finance (``subsidy_record``, the per-mu rule of the
    town's fiscal arrangement: 5,000 yuan per mu). One per reclamation: a second acceptance, even
    one racing the first, is refused by the unique key."""

    reclamation = models.OneToOneField(Reclamation, verbose_name=_("复垦项目"), on_delete=models.PROTECT,
                                       related_name="acceptance")
    accepted_on = models.DateField(_("验收日期"))
    document_number = models.CharField(_("验收文号"), max_length=64)
    area_mu = models.DecimalField(_("核定新增耕地（亩）"), **MU)
    gain = models.OneToOneField(QuotaGain, verbose_name=_("新增指标"), on_delete=models.PROTECT, related_name="+")
    subsidy_record = models.OneToOneField("finance.ReclamationRecord", verbose_name=_("财政复垦记录"),
                                          on_delete=models.PROTECT, related_name="+")
    subsidy_amount = models.DecimalField(_("复垦补助（元）"), **MONEY)

    jurisdiction_field = "reclamation__town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("复垦验收")
        verbose_name_plural = _("复垦验收")
        ordering = ["-accepted_on", "-id"]
        constraints = [
            models.CheckConstraint(name="landuse_acceptance_area_gt_0", condition=Q(area_mu__gt=0)),
            models.CheckConstraint(name="landuse_acceptance_subsidy_gte_0", condition=Q(subsidy_amount__gte=0)),
        ]
        triggers = _written_once()

    def __str__(self):
        return f"{self.reclamation} {self.document_number}"


@track()
class FarmlandBalancing(AuditedModel):
    """A county-level balancing entry (占补平衡县级统筹): farmland the county finds for a town
    that cannot replace what its projects of the year occupied — from the county's reserve,
    another town's surplus (``source_town``, whose balance it then leaves) or across counties.
    Written once; a wrong entry is reversed (a negative entry linked to it)."""

    town = models.ForeignKey(Division, verbose_name=_("镇"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), **YEAR)
    area_mu = models.DecimalField(_("统筹平衡耕地（亩）"), **MU)
    source = models.CharField(_("耕地来源"), max_length=16, choices=BalancingSource.choices)
    source_town = models.ForeignKey(Division, verbose_name=_("调出镇"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    document_number = models.CharField(_("文号"), max_length=64)
    recorded_on = models.DateField(_("登记日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="reversal", editable=False)
    reason = models.CharField(_("冲销理由"), max_length=500, blank=True)

    jurisdiction_field = "town"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("占补平衡统筹")
        verbose_name_plural = _("占补平衡统筹")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                name="landuse_balancing_negative_iff_reversal",
                condition=Q(area_mu__gt=0, reverses__isnull=True) | Q(area_mu__lt=0, reverses__isnull=False),
            ),
            models.CheckConstraint(
                name="landuse_balancing_source_town",
                condition=Q(source="other_town", source_town__isnull=False) | (~Q(source="other_town")
                                                                              & Q(source_town__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["town", "year"], name="landuse_balancing_town_year")]
        triggers = _written_once()

    def __str__(self):
        return f"{self.town.name} {self.year}年 {self.area_mu}亩"

    def clean(self):
        if self.source_town_id and self.source_town_id == self.town_id:
            raise ValidationError({"source_town": gettext("调出镇不能是被统筹平衡的镇本身。")})
# --- end of l2's block ----------------------------------------------------------------------------
