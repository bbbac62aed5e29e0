"""The send-time rules of a delivery: the URL checked again on every address its host name
resolves to (a name may point anywhere: SSRF), whether the owner may still see an event, and
the divisions containing one. The rules of a subscription's own fields (the URL's scheme and
literal host, who may subscribe where) are beside the model (models.py)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from regions import scoping

from .choices import delivery_error_text
from .models import address_refused, url_problem_code


class Refused(Exception):
    """The URL may not receive this delivery: ``code`` names why (choices.DELIVERY_ERRORS)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return delivery_error_text(self.code)


def resolved_address(url: str) -> str:
    """At send time: the URL's rule, then its host resolved once and every address it resolves to
    checked; the first of them, which is the one the delivery connects to (a second lookup at
    connect time could answer differently: DNS rebinding). Raises Refused."""
    code = url_problem_code(url)
    if code:
        raise Refused(code)
    parts = urlsplit(url.strip())
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme.lower() == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused("host_unresolved") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Refused("host_unresolved")
    if any(address_refused(address) for address in addresses):
        raise Refused("host_internal")
    return addresses[0]


def resolved_problem(url: str) -> str | None:
    """Why a delivery to ``url`` would be refused now (in the user's words), or None."""
    try:
        resolved_address(url)
    except Refused as refusal:
        return refusal.message
    return None


def owner_sees(owner, division) -> bool:
    """May ``owner`` still see records of ``division`` (any active membership over it)?"""
    if not owner.is_active:
        return False
    if owner.is_superuser:
        return True
    return any(division.path.startswith(g.path) for g in scoping.grants(owner))


def ancestor_paths(path: str) -> list[str]:
    """"/34/3418/341824/" → ["/34/", "/34/3418/", "/34/3418/341824/"]: the divisions containing it."""
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
