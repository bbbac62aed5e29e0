"""20 concurrent draws on one town's quota never overspend (PostgreSQL, real threads).

Each thread draws 10 mu for a project of its own from a town that has 50: exactly five fit. With
the locks (landuse's balance lock before its figures are read, and the ledger's) the twenty queue
on the balance row and fifteen are refused with the numbers. The second case removes both locks:
then every thread judges a stale balance and more than five are approved by the checks — only the
database's constraints stop the overspend, with errors instead of answers. That case is the proof
that the lock is what makes the first pass (the first fails if the lock is removed).
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection

from core.errors import ApplicationError
from core.ledger import services as ledger
from core.ledger.chain import verify
from core.ledger.models import Balance
from landuse import services
from landuse.choices import ProjectStatus
from landuse.models import Project, QuotaAccount
from landuse.services import base as services_base  # the balance lock's switch

from .factories import fund_town, project, quota_chain

WRITERS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, False], ids=["with-lock", "lock-removed"])
def test_twenty_concurrent_draws_never_overspend(monkeypatch, lock):
    chain = quota_chain()
    fund_town(chain["town"], "50")
    projects = [project(chain["town"], quota_mu="10", area_mu="12") for _ in range(WRITERS)]
    approved, all_read = [], threading.Barrier(WRITERS)

    def hook(stage):
        if stage == "read":
            time.sleep(0.02) if lock else all_read.wait(30)
        elif stage == "checked":
            approved.append(1)

    monkeypatch.setattr(ledger, "_race_hook", hook)
    monkeypatch.setattr(ledger, "LOCK_BALANCES", lock)
    monkeypatch.setattr(services_base, "LOCK_ACCOUNTS", lock)
    barrier, outcomes, guard = threading.Barrier(WRITERS), [], threading.Lock()

    def draw(p):
        try:
            barrier.wait()
            services.project_draw(project=p, approval_document=f"批{p.pk}")
            outcome = "ok"
        except ApplicationError as exc:
            outcome = exc.code
        except DatabaseError as exc:
            outcome = type(exc).__name__
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=draw, args=(p,)) for p in projects]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    qa = QuotaAccount.objects.get(division=chain["town"], pool="general")
    balance = Balance.objects.get(account_id=qa.account_id)
    drawn = Project.objects.filter(status=ProjectStatus.APPROVED).count()
    print("outcomes:", {o: outcomes.count(o) for o in set(outcomes)}, "approved by the checks:", len(approved))
    assert len(outcomes) == WRITERS
    assert balance.posted >= 0 and balance.posted == Decimal("50") - 10 * drawn  # never overspent
    assert verify().ok
    if lock:
        assert sorted(outcomes) == ["ok"] * 5 + ["quota_insufficient"] * 15
        assert drawn == 5 and balance.posted == 0
    else:
        assert len(approved) > 5  # the checks read a stale balance: more approved than fit
        assert sum(o not in ("ok", "quota_insufficient") for o in outcomes) >= 1
