"""The role personas of STYLE.md, as data the persona matrix reasons over.

Each persona is a demo login of ``fixtures/demo_regions.json`` (loaded by the root conftest's
``load_personas``), with the role and the division its one membership is bound to, so a case
can say *who* sees a row by role and by scope instead of listing usernames:

    office       领导小组办公室 of 绩溪县 (the county)        writes the catalogue
    clerk_linxi  经办人 of 临溪镇 (town A, a pilot town)      writes its own town's records
    clerk_other  经办人 of 华阳镇 (town B, same county)       sees nothing of town A
    superior     上级部门 of 宣城市 (the city above)          reads
    auditor      审计 of 绩溪县                                reads
    admin        superuser                                      sees and writes everything
    nobody       logged in, no membership                       sees nothing
    anonymous    not logged in
"""

from __future__ import annotations

from dataclasses import dataclass

# Division codes of the demo hierarchy the cases make their rows in.
TOWN_A = "341824101"  # 临溪镇 (clerk_linxi)
TOWN_B = "341824100"  # 华阳镇 (clerk_other)
COUNTY = "341824"  # 绩溪县 (office, auditor)
CITY = "341800"  # 宣城市 (superior)
ELSEWHERE = "441900102"  # 石龙镇, 东莞市: outside every persona's jurisdiction but the administrator's
ELSEWHERE_CITY = "441900"  # 东莞市: departments and batches outside everyone's jurisdiction


@dataclass(frozen=True)
class Persona:
    name: str  # the username
    role: str | None = None  # None: no membership
    division: str | None = None  # code of the membership's division
    superuser: bool = False
    anonymous: bool = False

    @property
    def has_membership(self) -> bool:
        return self.superuser or self.role is not None

    def sees(self, division, *, own_division=None, below: bool = False) -> bool:
        """Does this persona's jurisdiction take in a row of ``division``?

        A row is seen in the subtree of the membership's division (the division's ``path``
        holds the codes from the province down); with ``below=True`` also by the divisions
        under the row's (a published catalogue is read by the towns below the county), which
        needs ``own_division``, the persona's Division.
        """
        if self.superuser:
            return True
        if self.division is None:
            return False
        if f"/{self.division}/" in division.path:
            return True
        return below and own_division is not None and f"/{division.code}/" in own_division.path


OFFICE = Persona("office", "office", COUNTY)
CLERK_A = Persona("clerk_linxi", "clerk", TOWN_A)
CLERK_B = Persona("clerk_other", "clerk", TOWN_B)
SUPERIOR = Persona("superior", "superior", CITY)
AUDITOR = Persona("auditor", "auditor", COUNTY)
ADMIN = Persona("admin", superuser=True)
NOBODY = Persona("nobody")
ANONYMOUS = Persona("anonymous", anonymous=True)

PERSONAS: dict[str, Persona] = {p.name: p for p in (OFFICE, CLERK_A, CLERK_B, SUPERIOR, AUDITOR, ADMIN, NOBODY,
                                                    ANONYMOUS)}
# Logged in with a membership: the personas whose answers depend on the scope.
MEMBERS = tuple(p.name for p in PERSONAS.values() if p.has_membership)
ALL_ROLES = frozenset({"office", "clerk", "superior", "auditor"})
