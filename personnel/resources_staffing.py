"""Import and export of institutions, posts, people and the monthly payroll count on core.importing
(issue 12 §4, §8), registered from PersonnelConfig.ready; the import page is /personnel/import/
(personnel/urls_import.py, with personnel's tabs). Exports hold the exporter's own rows (the
selectors' scope); every imported row goes through personnel's services, the file all or nothing.

- 内设机构: a row is a line of the town's draft plan "导入的机构调整设置方案" (新设 / 调整编制; only
  the plan's approval changes institutions); a row the institution or a plan already holds is not added.
- 岗位: by 镇 + 内设机构 + 岗位名称 through post_create; an existing post that reads the same is left alone.
- 在编人员: each row an entry (person_enter: document and date posted to the ledger; no free post refuses
  the row with the numbers). The ID number is checked by Person.clean (GB 11643) and never named in a
  message; one already in establishment on the same post by the same document is left alone. ID number,
  phone and birth date are exported in full only to PII_ROLES in the person's town, masked otherwise.
- 财政发薪人数: by 镇 + 月份 + 编制类型 through payroll_count_record (the same figure: unchanged).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import CharField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from core.errors import ApplicationError
from core.importing import registry
from core.importing.cells import (
    BoolCellWidget,
    CellError,
    ChoiceCellWidget,
    DateCellWidget,
    IntCellWidget,
    NaturalKeyWidget,
    TextWidget,
    cell_text,
)
from core.importing.errors import RowError, shorten
from core.importing.resources import ServiceResource, column
from core.ledger.models import Balance
from regions import scoping
from regions.choices import Level
from regions.models import Division

from . import rules_staffing, selectors_staffing
from . import services_staffing as services
from .choices_staffing import (
    Education,
    EntryForm,
    EstablishmentKind,
    InstitutionNature,
    LeaderLevel,
    PersonStatus,
    PlanLineAction,
    PlanStatus,
    PoliticalStatus,
    PostRole,
    Rank,
)
from .models import Institution, InstitutionPlan, InstitutionPlanLine, PayrollCount, Person, Post

PII_COLUMNS = {"id_number": "id_number", "phone": "phone", "birth_date": "birth_date"}
IMPORT_PLAN_TITLE = _("导入的机构调整设置方案")


class TownWidget(NaturalKeyWidget):
    """A town by its division code, or by its name among the towns the importer sees."""

    not_found = _("未找到镇“%(key)s”（可填写区划代码或本辖区内的镇名）。")

    def __init__(self):
        super().__init__(Division, "code")

    def preload(self, keys) -> None:
        keys = {k for k in keys if k} - set(self._cache)
        if not keys:
            return
        towns = Division.objects.filter(level=Level.TOWN)
        visible = scoping.towns_visible(self.actor) if self.actor is not None else towns
        found: dict[str, list] = defaultdict(list)
        for d in towns.filter(code__in=keys):
            found[d.code].append(d)
        for d in visible.filter(name__in=keys):
            found[d.name].append(d)
        for key in keys:
            rows = found.get(key, [])
            if len(rows) == 1:
                self._cache[key] = rows[0]
            elif rows:
                self._cache[key] = self.refusal(_("镇名“%(key)s”对应多个镇，请改填区划代码（%(codes)s）。"),
                                                key=shorten(key), codes="、".join(d.code for d in rows))
            else:
                self._cache[key] = self.refusal(self.not_found, key=shorten(key))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class MonthWidget(widgets.Widget):
    """A month: 2026-03, 2026/3, 2026年3月, 2026-03-01, or an Excel date cell (its month)."""

    _RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*0?1\s*日?)?")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.date):
            return (value.date() if isinstance(value, datetime.datetime) else value).replace(day=1)
        text = cell_text(value)
        if not text:
            return None
        match = self._RE.fullmatch(text)
        if match and 1 <= int(match[2]) <= 12:
            return datetime.date(int(match[1]), int(match[2]), 1)
        raise CellError(_("“%(value)s”不是有效的月份，请按 2026-03 的格式填写。"), "month_invalid", value=shorten(text))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:%Y-%m}"


class IdNumberWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value).upper()


def _refused(field: str, error: ApplicationError) -> ValidationError:
    return ValidationError({field: [ValidationError(error.message, code=error.code)]})


class _TownRows(ServiceResource):
    """Rows that name a town (镇) and, for posts and people, an institution of it (内设机构)."""

    writer_model: type = Institution

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = list(dataset.headers or [])
        town = self.fields["town"]
        names = set()
        if "institution" in self.fields and self.fields["institution"].column_name in headers:
            names = {cell_text(v) for v in dataset.get_col(headers.index(self.fields["institution"].column_name))}
        towns = [t for t in town.widget._cache.values() if isinstance(t, Division)]
        self._institutions = {(i.town_id, i.name): i for i in Institution.objects.filter(
            town__in=towns, name__in=names | {""}, abolished_on__isnull=True).select_related("town")}
        self._posts = {(p.institution_id, p.title): p for p in Post.objects.filter(
            institution__in=list(self._institutions.values()))}
        self.prepare(dataset, towns)

    def prepare(self, dataset, towns) -> None:
        """Read ahead what the rows refer to (one query each, not one per row)."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The platform's checks; the town and the institution were read (and said) by import_instance,
        and uniqueness is the service's (a person entering again, a month's count replaced)."""
        saved = self.required_columns
        self.required_columns = tuple(n for n in saved if "__" not in self.fields[n].attribute)
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique=False)
        finally:
            self.required_columns = saved

    def institution_of(self, town, row, errors) -> Institution | None:
        column_name = self.fields["institution"].column_name
        name = cell_text(row.get(column_name))
        if town is None or not name:
            if town is not None:
                errors[self.fields["institution"].attribute] = ValidationError(_("请填写“%(column)s”。"), code="required",
                                                        params={"column": column_name})
            return None
        found = self._institutions.get((town.pk, name))
        if found is None:
            errors[self.fields["institution"].attribute] = ValidationError(_("%(town)s没有名为“%(name)s”的内设机构（须先经方案批准设立）。"),
                                                    code="no_institution", params={"town": town.name, "name": shorten(name)})
        return found

    def town_of(self, row, errors):
        try:
            return self.fields["town"].clean(row)
        except CellError as e:
            errors[self.fields["town"].attribute] = e.validation_error()
            return None

    def probe(self, town):
        """An unsaved row of the kind written, in ``town``: what the jurisdiction is asked about."""
        return self.writer_model(town=town)

    def out_of_scope(self, town) -> dict[str, list]:
        if town is not None and self.actor is not None and not scoping.can(self.actor, scoping.CHANGE, self.probe(town)):
            return {self.fields["town"].attribute: [ValidationError(_("“%(name)s”不在您的管辖范围内，不能导入。"), code="out_of_scope",
                                             params={"name": town.name})]}
        return {}


# --- 内设机构 -------------------------------------------------------------------------------------

INSTITUTION_COLUMNS = ("town", "name", "nature", "is_key", "admin_posts", "public_posts", "founding_document",
                       "founded_on")


def _posts_of(kind: str):
    """The approved posts (free + filled) of each institution of ``kind``, from its ledger accounts."""
    prefix = Concat(Value("inst:"), Cast(OuterRef("pk"), CharField()), Value(":"))

    def balance(state: str):
        posted = Balance.objects.filter(account__ledger=rules_staffing.LEDGER, account__owner_id=OuterRef("town_id"),
                                        account__code=Concat(prefix, Value(f"{state}:{kind}"))).values("posted")[:1]
        return Coalesce(Subquery(posted, output_field=IntegerField()), Value(0))

    return balance("free") + balance("filled")


class InstitutionResource(_TownRows):
    """内设机构: exported with their approved posts; imported as lines of the town's draft plan."""

    town = column(Institution, "town", TownWidget())
    name = column(Institution, "name", TextWidget())
    nature = column(Institution, "nature", ChoiceCellWidget(InstitutionNature.choices))
    is_key = column(Institution, "is_key", BoolCellWidget())
    admin_posts = fields.Field(attribute="admin_posts", column_name="行政编制（名）", widget=IntCellWidget())
    public_posts = fields.Field(attribute="public_posts", column_name="事业编制（名）", widget=IntCellWidget())
    founding_document = column(Institution, "founding_document", TextWidget(), readonly=True)
    founded_on = column(Institution, "founded_on", DateCellWidget(), readonly=True)

    required_columns = ("town", "name", "nature", "admin_posts", "public_posts")
    key_fields = ("town", "name")
    writer_model = InstitutionPlan

    class Meta(ServiceResource.Meta):
        model = Institution
        fields = INSTITUTION_COLUMNS
        import_order = INSTITUTION_COLUMNS
        export_order = INSTITUTION_COLUMNS
        skip_unchanged = False

    def prepare(self, dataset, towns) -> None:
        names = {cell_text(v) for v in dataset.get_col(list(dataset.headers).index(self.header("name")))}
        self._institutions = {(i.town_id, i.name): i for i in Institution.objects.filter(
            town__in=towns, name__in=names, abolished_on__isnull=True)
            .annotate(admin_now=_posts_of("admin"), public_now=_posts_of("public"))}
        self._plans = {p.town_id: p for p in InstitutionPlan.objects.filter(
            town__in=towns, status=PlanStatus.DRAFT, title=str(IMPORT_PLAN_TITLE)).order_by("id")}
        self._lines = {(p.town_id, line.name): line for p in self._plans.values() for line in p.lines.all()}
        self._pending = {(line.plan.town_id, line.name): line.plan for line in InstitutionPlanLine.objects.filter(
            plan__town__in=towns, plan__status=PlanStatus.SUBMITTED).select_related("plan")}

    def get_instance(self, instance_loader, row):
        return None  # a row is a line of a plan; import_instance finds the institution it names

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        instance.town = self.town_of(row, errors)
        for name in ("name", "nature", "is_key", "admin_posts", "public_posts"):
            try:
                setattr(instance, name, self.fields[name].clean(row))
            except CellError as e:
                errors[name] = e.validation_error()
        for name in ("admin_posts", "public_posts"):
            if name not in errors and (getattr(instance, name, None) or 0) < 0:
                errors[name] = ValidationError(_("编制数不能为负数。"), code="negative")
        instance.existing = self._institutions.get((instance.town.pk, instance.name)) if instance.town else None
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {k: (v.error_list if isinstance(v, ValidationError) else list(v))
                  for k, v in (import_validation_errors or {}).items()}
        for name in self.required_columns:
            if name not in errors and getattr(instance, name, None) in (None, ""):
                errors[name] = [ValidationError(_("请填写“%(column)s”。"), code="required",
                                                params={"column": self.fields[name].column_name})]
        if not errors:
            for key, messages in self.out_of_scope(instance.town).items():
                errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or getattr(instance, "town", None) is None:
            return False
        existing = instance.existing
        if existing is not None and existing.nature == instance.nature and existing.is_key == bool(instance.is_key) \
                and (existing.admin_now, existing.public_now) == (instance.admin_posts, instance.public_posts):
            return True
        line = self._lines.get((instance.town.pk, instance.name))
        return line is not None and (line.nature or getattr(existing, "nature", "")) == instance.nature \
            and line.is_key == bool(instance.is_key) and (line.admin_posts, line.public_posts) == (
                instance.admin_posts, instance.public_posts)

    def save_through_service(self, instance, is_create):
        town, existing = instance.town, instance.existing
        if (town.pk, instance.name) in self._lines:
            raise ValidationError({"name": [ValidationError(
                _("“%(plan)s”中已有“%(name)s”的事项，请在方案页面修改。"), code="plan_line_exists",
                params={"plan": IMPORT_PLAN_TITLE, "name": instance.name})]})
        if (town.pk, instance.name) in self._pending:
            raise ValidationError({"name": [ValidationError(
                _("方案“%(plan)s”已报批，其中已有“%(name)s”的事项，请待批复后再导入。"), code="plan_line_pending",
                params={"plan": self._pending[(town.pk, instance.name)].title, "name": instance.name})]})
        if existing is not None and existing.nature != instance.nature:
            raise ValidationError({"nature": [ValidationError(
                _("“%(name)s”已设立，机构性质不能通过导入改变。"), code="nature_fixed", params={"name": instance.name})]})
        plan = self._plans.get(town.pk)
        try:
            if plan is None:
                plan = self._plans[town.pk] = services.plan_create(town=town, title=str(IMPORT_PLAN_TITLE),
                                                                   actor=self.actor)
            line = services.plan_line_add(
                plan=plan, action=PlanLineAction.CHANGE if existing else PlanLineAction.CREATE, institution=existing,
                name=instance.name, nature="" if existing else instance.nature, is_key=bool(instance.is_key),
                admin_posts=instance.admin_posts, public_posts=instance.public_posts, actor=self.actor)
        except ApplicationError as e:
            raise _refused("name", e) from e
        self._lines[(town.pk, instance.name)] = line
        return None


def _institutions(*, user, filters=None, request=None):
    return (selectors_staffing.institution_list(user=user).filter(abolished_on__isnull=True)
            .annotate(admin_posts=_posts_of("admin"), public_posts=_posts_of("public")).order_by("town__path", "id"))


# --- 岗位 -----------------------------------------------------------------------------------------

POST_COLUMNS = ("town", "institution", "title", "kind", "leader_level", "role", "is_active")


class PostResource(_TownRows):
    town = fields.Field(attribute="institution__town", column_name="镇", widget=TownWidget())
    institution = fields.Field(attribute="institution__name", column_name="内设机构", widget=TextWidget())
    title = column(Post, "title", TextWidget())
    kind = column(Post, "kind", ChoiceCellWidget(EstablishmentKind.choices))
    leader_level = column(Post, "leader_level", ChoiceCellWidget(LeaderLevel.choices, ""))
    role = column(Post, "role", ChoiceCellWidget(PostRole.choices, PostRole.STAFF))
    is_active = column(Post, "is_active", BoolCellWidget(), readonly=True)

    required_columns = ("town", "institution", "title", "kind")
    key_fields = ("town", "institution", "title")
    writer_model = Post

    def probe(self, town):
        return Post(institution=Institution(town=town))

    class Meta(ServiceResource.Meta):
        model = Post
        fields = POST_COLUMNS
        import_order = POST_COLUMNS
        export_order = POST_COLUMNS
        skip_unchanged = False

    def get_instance(self, instance_loader, row):
        return None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        town = self.town_of(row, errors)
        institution = self.institution_of(town, row, errors)
        if institution is not None:
            instance.institution = institution
        for name in ("title", "kind", "leader_level", "role"):
            try:
                setattr(instance, name, self.fields[name].clean(row))
            except CellError as e:
                errors[name] = e.validation_error()
        instance.town_ = town
        instance.existing = self._posts.get((institution.pk, instance.title)) if institution else None
        if errors:
            raise ValidationError(errors)

    def row_errors(self, instance) -> dict[str, list]:
        return self.out_of_scope(instance.town_)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        existing = getattr(instance, "existing", None)
        return not import_validation_errors and existing is not None and (
            existing.kind, existing.leader_level, existing.role) == (instance.kind, instance.leader_level, instance.role)

    def save_through_service(self, instance, is_create):
        if instance.existing is not None:
            raise ValidationError({"kind": [ValidationError(
                _("“%(institution)s”已有岗位“%(title)s”，其编制类型、领导职数和岗位类别不能通过导入改变。"),
                code="post_exists", params={"institution": instance.institution.name, "title": instance.title})]})
        try:
            post = services.post_create(institution=instance.institution, title=instance.title, kind=instance.kind,
                                        role=instance.role, leader_level=instance.leader_level or "", actor=self.actor)
        except ApplicationError as e:
            raise _refused("title", e) from e
        self._posts[(instance.institution.pk, post.title)] = post
        return post


def _posts(*, user, filters=None, request=None):
    return selectors_staffing.post_list(user=user).order_by("institution__town__path", "institution_id", "id")


# --- 在编人员 -------------------------------------------------------------------------------------

PERSON_COLUMNS = ("town", "name", "id_number", "birth_date", "phone", "political_status", "education", "status",
                  "institution", "post_title", "rank", "entry_form", "entry_document", "entry_date")


class PersonResource(_TownRows):
    town = fields.Field(attribute="town", column_name="镇", widget=TownWidget())
    name = column(Person, "name", TextWidget())
    id_number = column(Person, "id_number", IdNumberWidget())
    birth_date = column(Person, "birth_date", DateCellWidget())
    phone = column(Person, "phone", TextWidget())
    political_status = column(Person, "political_status", ChoiceCellWidget(PoliticalStatus.choices))
    education = column(Person, "education", ChoiceCellWidget(Education.choices))
    status = column(Person, "status", ChoiceCellWidget(PersonStatus.choices), readonly=True)
    institution = fields.Field(attribute="post__institution__name", column_name="内设机构", widget=TextWidget())
    post_title = fields.Field(attribute="post__title", column_name="岗位", widget=TextWidget())
    rank = column(Person, "rank", ChoiceCellWidget(Rank.choices, Rank.CLERK))
    entry_form = column(Person, "entry_form", ChoiceCellWidget(EntryForm.choices))
    entry_document = column(Person, "entry_document", TextWidget())
    entry_date = column(Person, "entry_date", DateCellWidget())

    required_columns = ("town", "name", "id_number", "birth_date", "political_status", "education", "institution",
                        "post_title", "entry_form", "entry_document", "entry_date")
    writer_model = Person
    _PLAIN = ("name", "id_number", "birth_date", "phone", "political_status", "education", "rank", "entry_form",
              "entry_document", "entry_date")

    class Meta(ServiceResource.Meta):
        model = Person
        fields = PERSON_COLUMNS
        export_order = PERSON_COLUMNS
        import_order = PERSON_COLUMNS
        skip_unchanged = False

    def file_errors(self, dataset, line_numbers=None) -> list[RowError]:
        """As the platform's, and an ID number repeated in the file named by its rows only (personal data)."""
        errors = super().file_errors(dataset, line_numbers)
        if errors:
            return errors
        index = list(dataset.headers).index(self.header("id_number"))
        seen: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(dataset):
            number = cell_text(row[index]).upper()
            if number:
                seen[number].append(line_numbers[i] if line_numbers else i + 2)
        for rows in seen.values():
            for row in rows[1:]:
                errors.append(RowError.of(row, self.header("id_number"), _("公民身份号码与第 %(rows)s 行相同。"),
                                          code="duplicate_key", rows="、".join(map(str, rows[:20]))))
        return errors

    def prepare(self, dataset, towns) -> None:
        numbers = {cell_text(v).upper() for v in dataset.get_col(list(dataset.headers).index(self.header("id_number")))}
        self._people = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers - {""})}

    def get_instance(self, instance_loader, row):
        return self._people.get(cell_text(row.get(self.header("id_number"))).upper())

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        instance.town = self.town_of(row, errors)
        institution = self.institution_of(instance.town, row, errors)
        title = cell_text(row.get(self.header("post_title")))
        if institution is not None:
            post = self._posts.get((institution.pk, title))
            if not title:
                errors["post__title"] = ValidationError(_("请填写“%(column)s”。"), code="required",
                                                        params={"column": self.header("post_title")})
            elif post is None:
                errors["post__title"] = ValidationError(_("“%(institution)s”没有名为“%(title)s”的岗位。"), code="no_post",
                                                        params={"institution": institution.name, "title": shorten(title)})
            instance.post = post
        for name in self._PLAIN:
            try:
                setattr(instance, name, self.fields[name].clean(row))
            except CellError as e:
                errors[name] = e.validation_error()
        if instance.rank_since is None and instance.entry_date:
            instance.rank_since = instance.entry_date
        if errors:
            raise ValidationError(errors)

    def row_errors(self, instance) -> dict[str, list]:
        return self.out_of_scope(instance.town if instance.town_id else None)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return bool(not import_validation_errors and original is not None and original.status == PersonStatus.IN
                    and original.post_id == instance.post_id and original.entry_document == instance.entry_document
                    and original.entry_date == instance.entry_date)

    def save_through_service(self, instance, is_create):
        try:
            return services.person_enter(
                town=instance.town, name=instance.name, id_number=instance.id_number, birth_date=instance.birth_date,
                political_status=instance.political_status, education=instance.education, post=instance.post,
                entry_form=instance.entry_form, entry_document=instance.entry_document, entry_date=instance.entry_date,
                rank=instance.rank or Rank.CLERK, phone=instance.phone or "", actor=self.actor)
        except ApplicationError as e:
            field = next(iter(e.extra), "") if getattr(e, "extra", None) else ""
            field = {"post": "post__title", "document_date": "entry_date"}.get(field, field)
            raise _refused(field if field in self._fields_by_attribute() else "post__title", e) from e

    def _fields_by_attribute(self) -> set[str]:
        return {f.attribute for f in self.fields.values()}

    def export_resource(self, instance, selected_fields=None, **kwargs):
        row = super().export_resource(instance, selected_fields, **kwargs)
        if self._masked(instance):
            names = [f.attribute for f in self._export_fields]
            for i, name in enumerate(names):
                if name in PII_COLUMNS:
                    row[i] = rules_staffing.mask_value(name, getattr(instance, name))
        return row

    def _masked(self, person) -> bool:
        """Per row, by the exporter's roles in the person's town; answered once per town."""
        towns = self.__dict__.setdefault("_mask_by_town", {})
        if person.town_id not in towns:
            towns[person.town_id] = not selectors_staffing.sees_personal_data(user=self.actor, town=person.town)
        return towns[person.town_id]


def _people(*, user, filters=None, request=None):
    return selectors_staffing.person_list(user=user).order_by("id")


# --- 财政发薪人数 ---------------------------------------------------------------------------------

PAYROLL_COLUMNS = ("town", "month", "kind", "count", "note")


class PayrollCountResource(_TownRows):
    town = column(PayrollCount, "town", TownWidget())
    month = column(PayrollCount, "month", MonthWidget())
    kind = column(PayrollCount, "kind", ChoiceCellWidget(EstablishmentKind.choices))
    count = column(PayrollCount, "count", IntCellWidget())
    note = column(PayrollCount, "note", TextWidget())

    required_columns = ("town", "month", "kind", "count")
    key_fields = ("town", "month", "kind")
    writer_model = PayrollCount

    class Meta(ServiceResource.Meta):
        model = PayrollCount
        fields = PAYROLL_COLUMNS
        import_order = PAYROLL_COLUMNS
        export_order = PAYROLL_COLUMNS
        skip_unchanged = False

    def prepare(self, dataset, towns) -> None:
        self._counts = {(c.town_id, c.month, c.kind): c for c in PayrollCount.objects.filter(town__in=towns)}

    def get_instance(self, instance_loader, row):
        return None

    def row_errors(self, instance) -> dict[str, list]:
        town = instance.town if instance.town_id else None
        errors = self.out_of_scope(town)
        if instance.count is not None and instance.count < 0:
            errors["count"] = [ValidationError(_("发薪人数不能为负数。"), code="negative")]
        return errors

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or not instance.town_id or instance.month is None:
            return False
        stored = self._counts.get((instance.town_id, instance.month, instance.kind))
        return stored is not None and (stored.count, stored.note) == (instance.count, instance.note or "")

    def save_through_service(self, instance, is_create):
        try:
            return services.payroll_count_record(town=instance.town, month=instance.month, kind=instance.kind,
                                                 count=instance.count, note=instance.note or "", actor=self.actor)
        except ApplicationError as e:
            raise _refused("month", e) from e


def _payroll(*, user, filters=None, request=None):
    return selectors_staffing.payroll_list(user=user).order_by("month", "town_id", "kind")


def register() -> None:
    members = lambda user: bool(user.is_superuser or scoping.grants(user))  # noqa: E731
    registry.register(
        "personnel.institution", InstitutionResource, label=_("内设机构"), export_queryset=_institutions,
        may_import=lambda user: scoping.may_write_model(user, InstitutionPlan), may_export=members,
        help_text=_("内设机构只能经批准的机构调整设置方案设立或调整：每行成为本镇草拟方案“导入的机构调整设置方案”的一项"
                    "（新设或调整编制），报批后由县编办批复；与现有机构或方案中已有事项相同的行不重复登记。"))
    registry.register(
        "personnel.post", PostResource, label=_("岗位"), export_queryset=_posts,
        may_import=lambda user: scoping.may_write_model(user, Post), may_export=members,
        help_text=_("岗位按镇、内设机构和岗位名称对应：新岗位登记；已有且相同的岗位不重复登记。"))
    registry.register(
        "personnel.person", PersonResource, label=_("在编人员"), export_queryset=_people,
        may_import=lambda user: scoping.may_write_model(user, Person), may_export=members,
        help_text=_("每行办理一人入编（入编文号和日期记入编制台账）；没有空编、公民身份号码校验位不符等任何一行不通过，"
                    "整份文件不导入；已按同一文号在同一岗位在编的人员不重复入编。出编、调岗和高配请在人员页面办理。"))
    registry.register(
        "personnel.payroll_count", PayrollCountResource, label=_("财政发薪人数"), export_queryset=_payroll,
        may_import=lambda user: scoping.may_write_model(user, PayrollCount), may_export=members,
        help_text=_("每行一个镇一个月份一种编制的发薪人数，由县财政局（领导小组办公室）录入或导入；同月再次导入以新数字为准。"))
    registry.register_app("personnel", start="personnel-import:start", nav_template="personnel/_nav.html")


__all__ = ["InstitutionResource", "PayrollCountResource", "PersonResource", "PostResource", "register"]
