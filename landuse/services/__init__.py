"""Every write of landuse's quota (DOMAIN.md §5). Keyword-only, one transaction each, attributed.

- ``allocation_create``: quota issued into a province, allocated down the hierarchy, set aside
  within a division (the pilot towns' share, the 招拍挂 part), transferred across counties;
  ``allocation_reverse`` corrects one (the quota goes back if the receiver still has it);
- ``quota_gain``: quota a town gains after acceptance (consolidation, reclamation, linkage),
  idempotent on its ``source_key`` (reclamation, l2, calls it);
- projects: ``project_create`` / ``project_update`` (while registered), ``project_submit``
  (reserves its quota: a pending posting that lapses on its expiry date), ``project_approve``
  (posts it), ``project_reject`` / ``project_withdraw`` (void it), ``project_draw`` (a project
  approved on record: its quota drawn at once), ``reservations_lapse_due`` (the daily job);
- ``quota_year_close``: a division closes a quota year; nothing of that year is recorded after.

Never below zero: every movement out of an account locks the balance rows it touches (in account
order, the ledger's own order) and refuses, with the numbers, anything above what is available
(balance minus reservations); the ledger checks again behind it and the database's CHECK holds
the same rule (core.ledger).

The package, by topic: ``base`` (refusals, role and scope checks, accounts, the lock and the
available-balance check), ``allocations`` (allocations, gains, closed years), ``projects``
(projects and their reservations, the daily lapse), ``farmland`` (reclamation and the county's
farmland balancing, l2). Every public name is here: ``from landuse.services import x`` and
``landuse.services.x`` keep working. The balance lock's switch (``LOCK_ACCOUNTS``, turned off only
by the concurrency test) lives in ``landuse.services.base``.
"""

from __future__ import annotations

from ..choices import GainKind, MovementKind, Pool, ProjectKind
from .allocations import allocation_create, allocation_reverse, quota_gain, quota_year_close
from .base import quota_account_open, require_role
from .farmland import (
    farmland_balancing_create,
    farmland_balancing_reverse,
    reclamation_accept,
    reclamation_create,
    reclamation_reject,
)
from .projects import (
    PROJECT_FIELDS,
    RESERVATION_PERIOD,
    STEP_REFUSALS,
    STEP_ROLES,
    project_approve,
    project_create,
    project_draw,
    project_reject,
    project_submit,
    project_update,
    project_withdraw,
    reservations_lapse_due,
)

__all__ = [
    "PROJECT_FIELDS", "RESERVATION_PERIOD", "STEP_REFUSALS", "STEP_ROLES", "GainKind", "MovementKind", "Pool", "ProjectKind",
    "allocation_create", "allocation_reverse", "farmland_balancing_create", "farmland_balancing_reverse",
    "project_approve", "project_create", "project_draw", "project_reject", "project_submit", "project_update",
    "project_withdraw", "quota_account_open", "quota_gain", "quota_year_close", "reclamation_accept",
    "reclamation_create", "reclamation_reject", "require_role", "reservations_lapse_due",
]
