from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（县级市、区）")
    TOWN = "town", _("镇（乡、街道）")


# Higher levels have smaller ranks; a division's parent always ranks lower.
LEVEL_RANK = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3}

# Which levels a division may hang under (DOMAIN.md §1: a city may hold towns directly, 东莞).
ALLOWED_PARENTS = {
    Level.PROVINCE: set(),
    Level.CITY: {Level.PROVINCE},
    Level.COUNTY: {Level.CITY},
    Level.TOWN: {Level.COUNTY, Level.CITY},
}


class Role(models.TextChoices):
    OFFICE = "office", _("领导小组办公室")
    CLERK = "clerk", _("试点镇经办人")
    SUPERIOR = "superior", _("上级部门")
    AUDITOR = "auditor", _("审计")


# How the clerk role reads for a town that holds no (active) pilot designation.
NON_PILOT_CLERK_LABEL = _("镇经办人")


# The levels a membership of each role may be bound to.
ROLE_LEVELS = {
    Role.OFFICE: {Level.COUNTY, Level.CITY},
    Role.CLERK: {Level.TOWN},
    Role.SUPERIOR: {Level.CITY, Level.PROVINCE},
    Role.AUDITOR: {Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN},
}


class PilotKind(models.TextChoices):
    TOWN = "town", _("扩权强镇试点镇")
    COUNTY = "county", _("扩权强县试点县")
