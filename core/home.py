"""The home page's cards: each app declares its own, core only lays them out.

core imports no app, so an app registers a card provider in its ``AppConfig.ready``:

    from core import home
    home.register(home.Area.DELEGATION, my_card)        # my_card(user) -> home.Card

The home page shows the areas of ``AREAS`` in order. An area whose app has registered nothing
is shown as not yet built ("尚未上线"), with no links, instead of an empty box; when the app
arrives, its registration replaces that. A provider reads its figures through its own
selectors (scoped to the user, one query per figure at most) and links each figure to the
list it counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: str | int  # already formatted ("75%", "9999+", 3)
    url: str = ""  # the filtered list the figure counts
    hint: str | Promise = ""  # a tooltip: what exactly is counted
    tone: str = ""  # "danger", "warning", "success": a figure that asks for attention
    key: str = ""  # stable name for tests (data-figure)


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class Card:
    figures: list[Figure] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    note: str | Promise = ""


@dataclass(frozen=True)
class AreaInfo:
    key: str
    title: str | Promise
    icon: str  # a bootstrap-icons name
    description: str | Promise


class Area:
    DELEGATION = "delegation"
    FINANCE = "finance"
    PERSONNEL = "personnel"
    LANDUSE = "landuse"
    OVERSIGHT = "oversight"
    REGIONS = "regions"


AREAS: tuple[AreaInfo, ...] = (
    AreaInfo(Area.DELEGATION, _("事权下放"), "diagram-3", _("下放事项目录、承接协议、办件备案")),
    AreaInfo(Area.FINANCE, _("财政分成与返还"), "cash-coin", _("基数、超收返还、调拨")),
    AreaInfo(Area.PERSONNEL, _("编制与干部"), "people", _("内设机构、编制、执法证")),
    AreaInfo(Area.LANDUSE, _("建设用地指标"), "map", _("指标下达、占补平衡、增减挂钩")),
    AreaInfo(Area.OVERSIGHT, _("督查考核"), "clipboard-check", _("调度会、综合督查、整改销号")),
    AreaInfo(Area.REGIONS, _("行政区划与部门"), "geo-alt", _("区划层级、部门、试点镇")),
)

Provider = Callable[[object], Card]
_providers: dict[str, Provider] = {}


def register(area: str, provider: Provider) -> None:
    """Declare ``provider(user) -> Card`` as the card of ``area`` (one of ``Area``)."""
    if area not in {a.key for a in AREAS}:
        raise ValueError(f"unknown home area {area!r}; add it to core.home.AREAS first")
    _providers[area] = provider


def is_built(area: str) -> bool:
    return area in _providers


@dataclass(frozen=True)
class AreaCard:
    area: AreaInfo
    card: Card | None  # None: the area's app is not built yet


def cards_for(user) -> list[AreaCard]:
    """Every area in order, with its card for ``user`` (providers run here, one after another)."""
    return [AreaCard(area, _providers[area.key](user) if area.key in _providers else None) for area in AREAS]


def format_count(value: int, at_most: int) -> str | int:
    """``value``, or "<at_most>+" when a capped count ran past its cap."""
    return f"{at_most}+" if value > at_most else value


def format_share(part: int, whole: int) -> str:
    """A percentage without decimals ("75%"), or "—" when there is nothing to divide."""
    return "—" if not whole else f"{round(100 * part / whole)}%"
