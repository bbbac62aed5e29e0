"""The send-time rules of a delivery: the URL checked again on every address its host name
resolves to (a name may point anywhere: SSRF), whether the owner may still see an event, and
the divisions containing one. The rules of a subscription's own fields (the URL's scheme and
literal host, who may subscribe where) are beside the model (models.py)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext

from regions import scoping

from .models import address_refused, url_problem


def resolved_problem(url: str) -> str | None:
    """At send time: the URL's rule, then every address its host resolves to."""
    problem = url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return gettext("接收地址的主机名无法解析。")
    if any(address_refused(info[4][0]) for info in infos):
        return gettext("接收地址解析到本机或内部网络地址，已拒绝发送。")
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
