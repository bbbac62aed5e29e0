"""The administrative hierarchy, its departments, pilot designations and users' memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import protect_deletes, track
from core.models import AuditedModel

from .choices import ALLOWED_PARENTS, ROLE_LEVELS, Level, PilotKind, Role

division_code_validator = RegexValidator(r"^\d{6}(\d{3})?$", _("区划代码应为 6 位（县级及以上）或 9 位（乡镇级）数字。"))


@track()
class Division(AuditedModel):
    """A province, city, county or town (行政区划), with its official division code.

    ``path`` is the chain of codes from the province down ("/340000/341800/341824/"), so a
    jurisdiction's subtree is one indexed prefix match.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[division_code_validator])
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)

    jurisdiction_field = ""  # a division is scoped by its own path
    jurisdiction_writers: tuple[str, ...] = ()  # only administrators edit the hierarchy

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="division_path_like", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(
                name="division_only_province_is_root",
                condition=Q(level=Level.PROVINCE, parent__isnull=True) | (~Q(level=Level.PROVINCE) & Q(parent__isnull=False)),
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.level:
            if self.parent.level not in ALLOWED_PARENTS[self.level]:
                raise ValidationError(
                    {"parent": gettext("%(level)s不能隶属于%(parent)s。") % {"level": self.get_level_display(), "parent": self.parent.get_level_display()}}
                )
        if self.pk:
            old = Division.objects.filter(pk=self.pk).values("parent_id", "code").first()
            if old and (old["parent_id"] != self.parent_id or old["code"] != self.code):
                raise ValidationError(_("区划的代码和上级一经设立不可更改；请新设区划。"))

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """Names from the province down, e.g. 安徽省宣城市绩溪县临溪镇 (one query per level)."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def is_within(self, other: "Division") -> bool:
        return self.path.startswith(other.path)


@track()
class Department(AuditedModel):
    """A department (部门) of a division's government: 发改委, 财政局, 国土局 …"""

    division = models.ForeignKey(Division, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("部门代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    is_active = models.BooleanField(_("在用"), default=True)

    jurisdiction_field = "division"
    jurisdiction_writers = (Role.OFFICE,)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["division__path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="department_name_unique_in_division"),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.division.name}{self.name}"


@track()
class PilotDesignation(AuditedModel):
    """A town (扩权强镇) or county (扩权强县) designated as a pilot, in a batch, by a body."""

    division = models.ForeignKey(Division, verbose_name=_("试点区划"), on_delete=models.PROTECT, related_name="pilot_designations")
    kind = models.CharField(_("试点类型"), max_length=16, choices=PilotKind.choices)
    batch = models.CharField(_("批次"), max_length=64, help_text=_("如：全省首批"))
    designated_on = models.DateField(_("确定日期"))
    designated_by = models.CharField(_("确定机关"), max_length=128)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    jurisdiction_field = "division"
    jurisdiction_writers: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("试点确定")
        verbose_name_plural = _("试点确定")
        ordering = ["-designated_on", "division__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "kind"], condition=Q(revoked_on__isnull=True), name="pilot_one_active_per_kind"
            ),
            models.CheckConstraint(
                name="pilot_revoked_after_designated",
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("designated_on")),
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return gettext("%(division)s（%(batch)s）") % {"division": self.division.name, "batch": self.batch}

    def clean(self):
        expected = {PilotKind.TOWN: Level.TOWN, PilotKind.COUNTY: Level.COUNTY}.get(self.kind)
        if self.division_id and expected and self.division.level != expected:
            raise ValidationError({"division": gettext("%(kind)s只能是%(level)s级区划。") % {"kind": self.get_kind_display(), "level": Level(expected).label}})


@track()
class Membership(AuditedModel):
    """A user's role in one division (and optionally one department of it).

    What the user may see is the division's subtree; what they may change depends on the role
    (see regions.scoping).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="memberships")
    division = models.ForeignKey(Division, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="memberships")
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)

    jurisdiction_field = "division"
    jurisdiction_writers: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "division", "role"], condition=Q(is_active=True), name="membership_unique_active"
            ),
        ]
        triggers = [protect_deletes()]

    def __str__(self):
        return f"{self.user} · {self.division.name} · {self.get_role_display()}"

    def clean(self):
        if self.division_id and self.role and self.division.level not in ROLE_LEVELS[self.role]:
            allowed = "、".join(str(Level(level).label) for level in sorted(ROLE_LEVELS[self.role]))
            raise ValidationError({"division": gettext("%(role)s只能隶属于：%(allowed)s。") % {"role": self.get_role_display(), "allowed": allowed}})
        if self.department_id and self.division_id and self.department.division_id != self.division_id:
            raise ValidationError({"department": _("部门必须属于所选区划。")})
