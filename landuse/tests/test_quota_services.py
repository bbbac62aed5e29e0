"""The quota ledger's rules (issue 13, items 1-3): the allocation chain sums and refuses
over-allocation with the numbers, a draw over the available balance is refused, a reservation
blocks a later draw, approval posts it, expiry lapses it once, the priority rule, closed years,
bad input writes nothing, units exact."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.errors import ApplicationError, ConflictError
from core.ledger.chain import verify
from core.ledger.models import Balance, Posting, PostingType
from landuse import rules, selectors, services
from landuse.choices import GainKind, MovementKind, Pool, ProjectKind, ProjectStatus
from landuse.models import Allocation, Project, QuotaAccount, QuotaGain

from .factories import YEAR, allocate, fund_town, project, quota_chain

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def chain(db):
    return quota_chain()


def figures(division, pool=Pool.GENERAL, year=YEAR):
    qa = QuotaAccount.objects.get(division=division, year=year, pool=pool)
    return selectors.account_figures([qa])[qa.pk]


def test_allocation_chain_sums_down_the_hierarchy(chain):
    allocate(None, chain["province"], "1000.5", kind=MovementKind.ISSUE)
    allocate(chain["province"], chain["city"], "600.25")
    allocate(chain["city"], chain["county"], "400")
    allocate(chain["county"], chain["county"], "150", kind=MovementKind.SET_ASIDE, target_pool=Pool.PILOT)
    allocate(chain["county"], chain["town"], "100", source_pool=Pool.PILOT)
    allocate(chain["county"], chain["other"], "120.0001")
    allocate(chain["town"], chain["town"], "30", kind=MovementKind.SET_ASIDE, target_pool=Pool.COMMERCIAL)

    assert figures(chain["province"]).available == Decimal("400.25")
    assert figures(chain["city"]).available == Decimal("200.25")
    county_general = figures(chain["county"])
    assert (county_general.received, county_general.given, county_general.available) == (
        Decimal("400"), Decimal("270.0001"), Decimal("129.9999"))
    assert figures(chain["county"], Pool.PILOT).available == Decimal("50")
    assert figures(chain["town"]).available == Decimal("70")
    assert figures(chain["town"], Pool.COMMERCIAL).available == Decimal("30")
    # What every level holds adds up to what the province was issued.
    total = sum((b.posted for b in Balance.objects.filter(account__ledger="landuse", account__kind="quota")),
                Decimal(0))
    assert total == Decimal("1000.5")
    # The county's screen: its own quota and its towns' (pilot share included once).
    screen = selectors.county_allocation(county=chain["county"], year=YEAR)
    assert screen["towns_total"].received == Decimal("220.0001")
    assert {r.town.name: r.figures.available for r in screen["rows"]} == {"试点镇": Decimal("100"),
                                                                          "非试点镇": Decimal("120.0001")}
    town_year = selectors.division_quota(division=chain["town"])[0]
    assert (town_year.figures.received, town_year.figures.given, town_year.figures.available) == (
        Decimal("100"), Decimal("0"), Decimal("100"))
    assert verify().ok


def test_a_division_never_allocates_more_than_it_received(chain):
    allocate(None, chain["province"], "100", kind=MovementKind.ISSUE)
    allocate(chain["province"], chain["city"], "100")
    allocate(chain["city"], chain["county"], "80")
    allocate(chain["county"], chain["town"], "50")
    before = Allocation.objects.count(), Posting.objects.count()
    with pytest.raises(ApplicationError) as refused:
        allocate(chain["county"], chain["other"], "30.0001")
    assert refused.value.code == "quota_insufficient"
    message = refused.value.message
    assert "已收到 80.0000亩" in message and "已下达 50.0000亩" in message and "可用 30.0000亩" in message
    assert "需 30.0001亩" in message and "超出 0.0001亩" in message
    assert (Allocation.objects.count(), Posting.objects.count()) == before
    allocate(chain["county"], chain["other"], "30")  # exactly what is left
    assert figures(chain["county"]).available == 0


def test_allocation_only_down_one_level_and_pilot_share_only_to_pilot_towns(chain):
    fund_town(chain["town"], "100")
    with pytest.raises(ApplicationError) as skipped:
        allocate(chain["city"], chain["town"], "1")
    assert skipped.value.code == "movement_not_child"
    # fund_town handed all 100 mu down to the town: the county needs quota of its own to set aside.
    fund_town(chain["county"], "10")
    assert figures(chain["county"]).available == 10
    allocate(chain["county"], chain["county"], "10", kind=MovementKind.SET_ASIDE, target_pool=Pool.PILOT)
    assert figures(chain["county"]).available == 0
    with pytest.raises(ApplicationError) as not_pilot:
        allocate(chain["county"], chain["other"], "5", source_pool=Pool.PILOT)
    assert not_pilot.value.code == "movement_not_pilot"
    allocate(chain["county"], chain["town"], "5", source_pool=Pool.PILOT)  # the pilot town may have it
    assert figures(chain["town"]).available == 105


def test_cross_county_transfer(chain):
    from regions.tests.factories import CountyFactory

    fund_town(chain["town"], "100")
    neighbour = CountyFactory(parent=chain["city"], name="邻县")
    allocate(None, chain["province"], "50", kind=MovementKind.ISSUE)
    allocate(chain["province"], chain["city"], "50")
    allocate(chain["city"], chain["county"], "50")
    allocate(chain["county"], neighbour, "20", kind=MovementKind.TRANSFER)
    assert figures(neighbour).available == 20
    assert figures(chain["county"]).available == 30
    with pytest.raises(ApplicationError):
        allocate(chain["county"], chain["town"], "5", kind=MovementKind.TRANSFER)


def test_allocation_reversal_gives_back_only_what_is_available(chain):
    fund_town(chain["town"], "100")
    last = Allocation.objects.get(target__division=chain["town"])
    p = project(chain["town"], quota_mu="60")
    services.project_draw(project=p, approval_document="批1")
    with pytest.raises(ApplicationError) as refused:
        services.allocation_reverse(allocation=last, reason="错下达")
    assert refused.value.code == "quota_insufficient"
    # A reversal of an unused movement goes through and leaves the ledger verified.
    allocate(None, chain["province"], "10", kind=MovementKind.ISSUE)
    issue = Allocation.objects.filter(kind=MovementKind.ISSUE).order_by("-id").first()
    services.allocation_reverse(allocation=issue, reason="重复录入")
    issue.refresh_from_db()
    assert issue.reversal_posting_id and figures(chain["province"]).available == 0
    with pytest.raises(ConflictError):
        services.allocation_reverse(allocation=issue, reason="再冲")
    assert verify().ok


def test_a_draw_over_the_available_balance_is_refused_with_the_numbers(chain):
    fund_town(chain["town"], "50")
    big = project(chain["town"], quota_mu="50.0001", area_mu="60")
    with pytest.raises(ApplicationError) as refused:
        services.project_draw(project=big, approval_document="批2")
    assert refused.value.code == "quota_insufficient"
    assert "可用 50.0000亩" in refused.value.message and "超出 0.0001亩" in refused.value.message
    big.refresh_from_db()
    assert big.status == ProjectStatus.DRAFT and big.draw_id is None
    assert not Posting.objects.filter(kind="draw").exists()


def test_a_reservation_blocks_a_later_draw_approval_posts_it(chain):
    fund_town(chain["town"], "100")
    first = project(chain["town"], quota_mu="70")
    second = project(chain["town"], quota_mu="40")
    services.project_submit(project=first, application_document="报1")
    f = figures(chain["town"])
    assert (f.posted, f.reserved, f.available, f.used) == (Decimal("100"), Decimal("70"), Decimal("30"), 0)
    with pytest.raises(ApplicationError) as refused:
        services.project_draw(project=second, approval_document="批3")
    assert "预留 70.0000亩" in refused.value.message and "可用 30.0000亩" in refused.value.message
    with pytest.raises(ApplicationError):
        services.project_submit(project=second)
    services.project_approve(project=first, approval_document="皖国土资〔2026〕1号")
    first.refresh_from_db()
    assert first.status == ProjectStatus.APPROVED and first.draw.type == PostingType.POST
    f = figures(chain["town"])
    assert (f.posted, f.reserved, f.available, f.used) == (Decimal("30"), 0, Decimal("30"), Decimal("70"))
    with pytest.raises(ConflictError):
        services.project_approve(project=first, approval_document="再批")


def test_rejection_and_withdrawal_void_the_reservation(chain):
    fund_town(chain["town"], "100")
    a, b = project(chain["town"], quota_mu="60"), project(chain["town"], quota_mu="40")
    services.project_submit(project=a)
    services.project_submit(project=b)
    assert figures(chain["town"]).available == 0
    services.project_reject(project=a, reason="不符合规划")
    services.project_withdraw(project=b, reason="企业放弃")
    assert figures(chain["town"]).available == 100
    assert {p.status for p in Project.objects.all()} == {ProjectStatus.REJECTED, ProjectStatus.WITHDRAWN}
    with pytest.raises(ApplicationError) as no_reason:
        services.project_reject(project=a, reason="  ")
    assert no_reason.value.code == "reason_required"


def test_an_expired_reservation_lapses_once(chain):
    from landuse.tasks import lapse_reservations_task

    fund_town(chain["town"], "100")
    p = project(chain["town"], quota_mu="80")
    today = datetime.date.today()
    applied = today - datetime.timedelta(days=175)
    services.project_submit(project=p, applied_on=applied)
    p.refresh_from_db()
    assert p.reservation_expires_on >= today
    assert figures(chain["town"]).available == 20
    after = (p.reservation_expires_on + datetime.timedelta(days=1)).isoformat()
    assert lapse_reservations_task(today=after) == 1
    assert lapse_reservations_task(today=after) == 0  # run twice: one effect
    p.refresh_from_db()
    assert p.status == ProjectStatus.LAPSED
    assert Posting.objects.filter(type=PostingType.EXPIRE).count() == 1
    assert figures(chain["town"]).available == 100
    # Lapsed, it may be submitted again (a new reservation).
    services.project_submit(project=p)
    p.refresh_from_db()
    assert p.status == ProjectStatus.UNDER_REVIEW and figures(chain["town"]).available == 20


def test_the_ledgers_own_expiry_job_first_then_ours(chain):
    from core.ledger.tasks import expire_pending_postings_task
    from landuse.tasks import lapse_reservations_task

    fund_town(chain["town"], "10")
    p = project(chain["town"], quota_mu="10")
    services.project_submit(project=p)
    p.refresh_from_db()
    later = (p.reservation_expires_on + datetime.timedelta(days=3)).isoformat()
    assert expire_pending_postings_task(today=later) == 1
    assert lapse_reservations_task(today=later) == 1
    assert lapse_reservations_task(today=later) == 0
    p.refresh_from_db()
    assert p.status == ProjectStatus.LAPSED


def test_qualifying_projects_get_quota_first(chain):
    fund_town(chain["town"], "100")
    waiting = project(chain["town"], quota_mu="70", qualifying=True, priority_reason="列入县重点建设项目")
    ordinary = project(chain["town"], quota_mu="40")
    with pytest.raises(ApplicationError) as refused:
        services.project_submit(project=ordinary)
    assert refused.value.code == "quota_priority" and "尚待使用 70.0000亩" in refused.value.message
    services.project_submit(project=waiting)
    small = project(chain["town"], quota_mu="30")
    services.project_submit(project=small)  # the qualifying one holds its quota now: the rest is free
    order = list(selectors.priority_list(user=_superuser()).values_list("pk", flat=True))
    assert order[0] == waiting.pk


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root_l", password="x-Long-pass-1")


def test_gains_are_kept_by_the_town_once(chain):
    fund_town(chain["town"], "10")
    kwargs = dict(town=chain["town"], year=YEAR, kind=GainKind.RECLAMATION, amount_mu="120",
                  accepted_on=datetime.date.today(), basis="废弃砖瓦窑复垦", source_key="reclamation:1")
    g1 = services.quota_gain(**kwargs)
    g2 = services.quota_gain(**kwargs)
    assert g1.pk == g2.pk and QuotaGain.objects.count() == 1
    services.quota_gain(**{**kwargs, "kind": GainKind.LINKAGE, "amount_mu": "5.5", "source_key": "linkage:7"})
    f = figures(chain["town"])
    assert (f.gained, f.available) == (Decimal("125.5"), Decimal("135.5"))
    assert f.gains_by_kind == {"reclamation": Decimal("120"), "linkage": Decimal("5.5")}
    with pytest.raises(ApplicationError) as not_town:
        services.quota_gain(**{**kwargs, "town": chain["county"], "source_key": "x"})
    assert not_town.value.code == "gain_not_town"


@pytest.mark.parametrize("field,value,code", [
    ("quota_mu", "-3", "negative_area"),
    ("quota_mu", "1.23456", "too_many_decimals"),
    ("area_mu", "abc", "not_a_number"),
    ("quota_mu", 1.5, "float_amount"),
])
def test_bad_areas_get_a_clear_error_and_write_nothing(chain, field, value, code):
    values = {"quota_mu": "10", "area_mu": "20", field: value}
    with pytest.raises(ApplicationError) as refused:
        services.project_create(town=chain["town"], name="坏数据", kind=ProjectKind.OTHER, year=YEAR, **values)
    assert refused.value.code == code and field in refused.value.extra
    assert not Project.objects.exists()


def test_new_industrial_project_outside_the_zone_needs_a_reason_and_is_flagged(chain):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        project(chain["town"], in_industrial_zone=False)
    assert "outside_zone_reason" in refused.value.message_dict
    p = project(chain["town"], in_industrial_zone=False, outside_zone_reason="依托矿区原料，须就近建设")
    assert p.flagged
    assert not project(chain["town"], kind=ProjectKind.INFRASTRUCTURE, in_industrial_zone=False).flagged


def test_a_draw_in_a_closed_year_is_refused(chain):
    last = YEAR - 1
    fund_town(chain["town"], "10", year=last)
    p = project(chain["town"], quota_mu="5", year=last)
    services.quota_year_close(division=chain["county"], year=last)
    with pytest.raises(ApplicationError) as refused:
        services.project_draw(project=p, approval_document="批")
    assert refused.value.code == "year_closed" and f"{last}年度" in refused.value.message
    with pytest.raises(ApplicationError):
        allocate(chain["county"], chain["town"], "1", year=last)
    with pytest.raises(ApplicationError) as current:
        services.quota_year_close(division=chain["county"], year=YEAR)
    assert current.value.code == "year_not_ended"


def test_project_in_a_town_outside_the_users_jurisdiction_is_refused(demo, personas):
    with pytest.raises(ApplicationError) as refused:
        services.project_create(town=demo["341824100"], actor=personas["clerk_linxi"], name="越权", kind="other",
                                year=YEAR, area_mu="2", quota_mu="1")
    assert refused.value.code == "out_of_jurisdiction"
    assert not Project.objects.exists()


def test_units_mu_and_hectares_exact():
    assert rules.parse_ha("8.0001") == Decimal("120.0015")
    assert rules.mu_to_ha(Decimal("15")) == Decimal("1.0000")
    assert rules.mu_to_ha(Decimal("1")) == Decimal("0.0667")
    assert rules.mu_to_ha(Decimal("120")) == Decimal("8.0000")
    assert rules.parse_ha("1") / 1 * 1 == Decimal("15.0000")
    assert "120.0000亩（8.0000公顷）" == rules.fmt_mu(Decimal("120"))
