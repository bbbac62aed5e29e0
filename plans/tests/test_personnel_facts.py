"""The staffing paragraph of a plan reads personnel through its selectors (issue 15: no other
app's models in plans): the town's rank-ups (高配) counted by rank, and "尚无" without one."""

from __future__ import annotations

import pytest

from personnel import selectors as personnel_selectors
from personnel import services_staffing
from personnel.choices_staffing import PostRole, QuotaKind, Rank
from personnel.tests.staffing_factories import D, approve, institution, person_in, post
from plans import selectors
from regions.tests.factories import TownFactory

pytestmark = pytest.mark.django_db


def test_rank_ups_counted_by_rank_and_only_the_towns_own():
    town, other = TownFactory(name="高配镇"), TownFactory(name="别的镇")
    approve(town, QuotaKind.ADMIN, 3)
    leaders = institution(town, "镇领导班子", admin=3)
    approve(other, QuotaKind.ADMIN, 2)
    facts = selectors._personnel_facts(town)
    assert facts["rank_ups"] == 0 and facts["rank_up_list"] == "尚无高配人员"

    secretary = person_in(post(leaders, "党委书记", role=PostRole.PARTY_SECRETARY), rank=Rank.SECTION)
    services_staffing.person_rank_up(person=secretary, rank=Rank.DEPUTY_COUNTY, document_number="绩组〔2010〕8号",
                                     document_date=D(2010, 4, 1))
    other_secretary = person_in(post(institution(other, "镇领导班子", admin=2), "党委书记",
                                     role=PostRole.PARTY_SECRETARY), rank=Rank.SECTION)
    services_staffing.person_rank_up(person=other_secretary, rank=Rank.DEPUTY_COUNTY, document_number="绩组〔2010〕9号",
                                     document_date=D(2010, 5, 1))

    assert personnel_selectors.rank_ups_for(town=town) == [Rank.DEPUTY_COUNTY]
    facts = selectors._personnel_facts(town)
    assert facts["rank_ups"] == 1
    assert facts["rank_up_list"] == f"按{Rank.DEPUTY_COUNTY.label}高配1人"
