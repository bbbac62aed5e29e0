"""What an app declares: its ledger, the unit it counts in, its kinds of account and posting.

Nothing here touches the database, so an app may register in ``AppConfig.ready()``:

    register(LedgerSpec(
        code="landuse", name="建设用地指标", unit=Unit.MU,
        kinds=[AccountKind("allocation", "上级下达", Invariant.NONE),
               AccountKind("quota", "镇可用指标", Invariant.NON_NEGATIVE)],
        posting_kinds={"allocate": "指标下达", "draw": "项目用地"},
    ))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from core.errors import ApplicationError


class Unit(models.TextChoices):
    """What a ledger counts, with the number of decimal places an amount may have."""

    YUAN = "yuan", "元"
    MU = "mu", "亩"
    POST = "post", "名"

    @property
    def places(self) -> int:
        return UNIT_PLACES[self]

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)


UNIT_PLACES = {Unit.YUAN: 2, Unit.MU: 4, Unit.POST: 0}


class Invariant(models.TextChoices):
    """A balance rule declared on the account (TigerBeetle's account flags) and held by a CHECK.

    ``non_negative``: posted balance minus what pending postings reserve never below zero
    (a town's quota, a fund). ``non_positive``: the mirror, for a source that only gives
    (a province's allocation account runs negative as it hands quota down, never positive).
    ``none``: an external or clearing account.
    """

    NON_NEGATIVE = "non_negative", "余额不得为负"
    NON_POSITIVE = "non_positive", "余额不得为正"
    NONE = "none", "不限"


@dataclass(frozen=True)
class AccountKind:
    code: str
    name: str
    invariant: Invariant = Invariant.NON_NEGATIVE


@dataclass(frozen=True)
class LedgerSpec:
    """One ledger: a code (the ledger's name in code), its unit, its account and posting kinds."""

    code: str
    name: str
    unit: Unit
    kinds: list[AccountKind] = field(default_factory=list)
    posting_kinds: dict[str, str] = field(default_factory=dict)

    def kind(self, code: str) -> AccountKind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise ApplicationError(f"台账“{self.name}”没有“{code}”这类账户。", code="ledger_unknown_kind")


_LEDGERS: dict[str, LedgerSpec] = {}


def register(spec: LedgerSpec) -> LedgerSpec:
    """Declare a ledger. Registering the same spec again (a second ``ready()``) is a no-op."""
    existing = _LEDGERS.get(spec.code)
    if existing is not None and existing != spec:
        raise ValueError(f"ledger {spec.code!r} is already registered with a different spec")
    _LEDGERS[spec.code] = spec
    return spec


def get(code: str) -> LedgerSpec:
    try:
        return _LEDGERS[code]
    except KeyError:
        raise ApplicationError(f"没有名为“{code}”的台账。", code="ledger_unknown") from None


def codes() -> set[str]:
    return set(_LEDGERS)


def all_ledgers() -> list[LedgerSpec]:
    return list(_LEDGERS.values())
