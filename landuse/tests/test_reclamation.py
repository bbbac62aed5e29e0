"""Reclamation (复垦, issue 13 §5): accepted, it adds quota to the town and earns the subsidy in
finance (5,000 yuan per mu: 120 mu → 600,000.00), posted once — a second acceptance, later or
racing the first, adds nothing."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from core.errors import ApplicationError, ConflictError
from core.ledger.models import Posting
from finance.choices import EntitlementStatus, RuleKind
from finance.models import Entitlement, ReclamationRecord
from landuse import services
from landuse.choices import ReclamationStatus
from landuse.models import QuotaGain, Reclamation, ReclamationAcceptance
from landuse.selectors import division_quota
from regions.models import Division

from .farmland_factories import accepted, reclamation, with_arrangement

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def linxi(load_personas):
    users, divisions = load_personas()
    town = divisions["341824101"]
    with_arrangement(town)
    return town, users


def subsidy_entitlements(town):
    return Entitlement.objects.filter(town=town, rule__kind=RuleKind.PER_MU, status=EntitlementStatus.ACTIVE)


def test_accepting_120_mu_gains_quota_and_posts_600000_to_finance_once(linxi):
    town, users = linxi
    r = accepted(town, "120", actor=users["office"])
    assert r.status == ReclamationStatus.ACCEPTED
    acceptance = ReclamationAcceptance.objects.get(reclamation=r)
    assert acceptance.subsidy_amount == Decimal("600000.00")
    # finance: the new farmland as the base of the per-mu subsidy, with the acceptance as its basis
    record = acceptance.subsidy_record
    assert record.area_mu == Decimal("120.0000") and record.month == D(2012, 5, 1)
    event = record.pgh_event_model.objects.filter(pgh_obj=record).select_related("pgh_context").get()
    assert event.pgh_context.metadata["basis"] == f"landuse.reclamation:{r.pk}"
    # the subsidy posted to the finance ledger with the month's entitlements
    [subsidy] = subsidy_entitlements(town)
    assert subsidy.amount == Decimal("600000.00") and subsidy.posting_id is not None
    assert subsidy.trace["inputs"] == {"area_mu": "120.0000"}
    # the town's quota: 120 mu gained in 2012, kept by the town
    assert acceptance.gain.amount_mu == Decimal("120.0000") and acceptance.gain.town == town
    [year] = [y for y in division_quota(division=town) if y.year == 2012]
    assert year.figures.gained == Decimal("120.0000") and year.figures.available == Decimal("120.0000")


def test_a_second_acceptance_is_refused_and_changes_nothing(linxi):
    town, users = linxi
    r = accepted(town, "120", actor=users["office"])
    postings = Posting.objects.count()
    with pytest.raises(ConflictError) as refused:
        services.reclamation_accept(reclamation=r, accepted_on=D(2012, 6, 1), document_number="又一次",
                                    actor=users["office"])
    assert refused.value.code == "reclamation_already_accepted"
    assert "不会重复" in refused.value.message
    assert Posting.objects.count() == postings
    assert ReclamationRecord.objects.filter(town=town).count() == 1
    assert QuotaGain.objects.filter(town=town).count() == 1
    assert [e.amount for e in subsidy_entitlements(town)] == [Decimal("600000.00")]


def test_the_database_refuses_a_second_acceptance_row(linxi):
    """Behind the service's lock: one acceptance per reclamation is a unique key."""
    from django.db import IntegrityError, transaction

    town, users = linxi
    r = accepted(town, "120", actor=users["office"])
    first = ReclamationAcceptance.objects.get(reclamation=r)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReclamationAcceptance.objects.create(reclamation=r, accepted_on=first.accepted_on, document_number="x",
                                             area_mu=first.area_mu, gain=first.gain,
                                             subsidy_record=first.subsidy_record, subsidy_amount=0)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acceptances_pay_once(load_personas):
    users, divisions = load_personas()
    town = divisions["341824101"]
    with_arrangement(town)
    r = reclamation(town, "120")
    barrier = threading.Barrier(2)
    outcomes: list = []

    def accept(n):
        try:
            barrier.wait()
            services.reclamation_accept(reclamation=Reclamation.objects.get(pk=r.pk), accepted_on=D(2012, 5, 10),
                                        document_number=f"并发{n}", actor=None)
            outcomes.append("accepted")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted", "reclamation_already_accepted"]
    assert ReclamationAcceptance.objects.filter(reclamation=r).count() == 1
    assert ReclamationRecord.objects.filter(town=town).count() == 1
    assert QuotaGain.objects.filter(town=town).count() == 1
    assert [e.amount for e in subsidy_entitlements(town)] == [Decimal("600000.00")]


def test_only_the_county_office_accepts(linxi):
    town, users = linxi
    r = reclamation(town, "10", actor=users["clerk_linxi"])  # the town registers it
    with pytest.raises(PermissionDenied):
        services.reclamation_accept(reclamation=r, accepted_on=D(2012, 5, 10), document_number="镇自验",
                                    actor=users["clerk_linxi"])
    assert not ReclamationAcceptance.objects.exists() and not ReclamationRecord.objects.exists()
    r.refresh_from_db()
    assert r.status == ReclamationStatus.PENDING


@pytest.mark.parametrize("step", ["accept", "reject"])
def test_the_clerk_is_refused_the_acceptance_in_the_api_with_403(linxi, step):
    """The clerk registers reclamations (the model's gate lets them write) yet the office's steps
    answer 403 permission_denied, in words, writing nothing; the office's own request goes through."""
    from django.urls import reverse
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    town, users = linxi
    r = reclamation(town, "10", actor=users["clerk_linxi"])
    url = reverse(f"landuse-api:reclamation-{step}", kwargs={"pk": r.pk})
    body = ({"accepted_on": "2012-05-10", "document_number": "镇自验"} if step == "accept" else {"reason": "镇自退"})

    def client(name):
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=users[name])[0].key}")
        return c

    response = client("clerk_linxi").post(url, body, format="json")
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "permission_denied" and "领导小组办公室" in error["message"], error
    assert not ReclamationAcceptance.objects.exists() and not ReclamationRecord.objects.exists()
    r.refresh_from_db()
    assert r.status == ReclamationStatus.PENDING
    assert client("office").post(url, body, format="json").status_code == 200
    r.refresh_from_db()
    assert r.status == (ReclamationStatus.ACCEPTED if step == "accept" else ReclamationStatus.REJECTED)


@pytest.mark.parametrize(("area", "code"), [("-3", "negative_area"), ("1.23456", "too_many_decimals"),
                                            ("abc", "not_a_number"), ("0", "zero_area")])
def test_bad_areas_are_refused_in_words_writing_nothing(linxi, area, code):
    town, users = linxi
    with pytest.raises(ApplicationError) as refused:
        reclamation(town, area, actor=users["clerk_linxi"])
    assert refused.value.code == code and "area_mu" in refused.value.extra
    assert not Reclamation.objects.exists()


def test_a_town_outside_the_jurisdiction_is_refused(linxi):
    town, users = linxi
    with pytest.raises(ApplicationError) as refused:
        reclamation(town, "5", actor=users["clerk_other"])
    assert refused.value.code == "out_of_jurisdiction"
    assert not Reclamation.objects.exists()


def test_accepted_area_at_most_the_applied_one_and_refusal_writes_nothing(linxi):
    town, users = linxi
    r = reclamation(town, "100")
    with pytest.raises(ApplicationError) as refused:
        services.reclamation_accept(reclamation=r, accepted_on=D(2012, 5, 10), document_number="验1", area_mu="100.5",
                                    actor=users["office"])
    assert refused.value.code == "accepted_over_applied"
    assert not QuotaGain.objects.exists() and not ReclamationRecord.objects.exists()
    services.reclamation_accept(reclamation=r, accepted_on=D(2012, 5, 10), document_number="验1", area_mu="80",
                                actor=users["office"])
    assert ReclamationAcceptance.objects.get().subsidy_amount == Decimal("400000.00")


def test_no_fiscal_arrangement_refuses_the_acceptance_whole(load_personas):
    users, divisions = load_personas()
    town = divisions["341824100"]  # 华阳镇: no arrangement, so finance cannot record the subsidy
    r = reclamation(town, "12")
    with pytest.raises(ApplicationError) as refused:
        services.reclamation_accept(reclamation=r, accepted_on=D(2012, 5, 10), document_number="验2", actor=None)
    assert refused.value.code == "no_arrangement"
    assert not QuotaGain.objects.exists()  # nothing half-written: the gain rolled back with it
    assert Reclamation.objects.get(pk=r.pk).status == ReclamationStatus.PENDING


def test_reject_needs_a_reason_and_is_final(linxi):
    town, users = linxi
    r = reclamation(town, "12")
    with pytest.raises(ApplicationError):
        services.reclamation_reject(reclamation=r, reason="  ", actor=users["office"])
    services.reclamation_reject(reclamation=r, reason="耕作层厚度不足", actor=users["office"])
    with pytest.raises(ConflictError):
        services.reclamation_accept(reclamation=r, accepted_on=D(2012, 5, 10), document_number="验3",
                                    actor=users["office"])
    assert Division.objects.get(pk=town.pk)  # the town is untouched
    assert not QuotaGain.objects.exists()
