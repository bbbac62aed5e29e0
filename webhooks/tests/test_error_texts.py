"""What went wrong with a delivery is stored as a code and its parameters (and the Chinese text
as written at send time), and worded when read, in the reader's language: the deliveries tab
and the API in zh-hans and in en."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery

from .factories import finding, subscription
from .test_delivery import COUNTY, LINXI, world  # noqa: F401 - the fixture

INTERNAL_ZH = "接收地址解析到本机或内部网络地址，已拒绝发送。"
INTERNAL_EN = "The receiver URL resolves to this machine or an internal network address; not sent."


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.django_db
def test_codes_stored_and_worded_in_the_readers_language(world, receiver, settings, monkeypatch,  # noqa: F811
                                                         client_for, api_for, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    superior, county = world["superior"], world["demo"][COUNTY]
    answered_500 = subscription(superior, county, receiver.url("/500"), name="五百")
    refused = subscription(superior, county, f"http://127.0.0.1:{closed_port()}/x", name="拒绝连接")
    internal = subscription(superior, county, "http://hooks.intranet.test/x", name="内部地址")
    real = socket.getaddrinfo

    def getaddrinfo(name, port, *args, **kwargs):
        if name == "hooks.intranet.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
        return real(name, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    receiver.answers = [500]
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    with django_capture_on_commit_callbacks(execute=True):
        finding(world["demo"][LINXI])
    rows = {d.subscription_id: d for d in Delivery.objects.all()}
    got_500, no_listener = rows[answered_500.pk], rows[refused.pk]
    assert (got_500.status, got_500.error_code, got_500.error_params, got_500.error) == (
        DeliveryStatus.FAILED, "http_status", {"code": 500}, "接收方返回 HTTP 500")
    assert (no_listener.error_code, no_listener.error_params["reason"]) == ("connect_failed", "NewConnectionError")
    assert no_listener.error == "连接失败：NewConnectionError"
    # 10.1.2.3 passes while private networks are allowed (and nothing listens there); refused in production
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    from webhooks import delivery as sending

    attempt = Delivery.objects.create(subscription=internal, event=got_500.event, attempt=9)
    sent = sending.attempt(attempt.pk)
    assert (sent.status, sent.error_code, sent.error, sent.response_code) == (
        DeliveryStatus.FAILED, "host_internal", INTERNAL_ZH, None)

    # the page words it in the reader's language, whatever language the worker wrote it in
    page = client_for(superior)
    url = reverse("webhooks:subscription-detail", args=[internal.pk]) + "?tab=deliveries"
    zh = page.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-testid="delivery-error-{sent.pk}"' in zh and INTERNAL_ZH in zh
    en = page.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert INTERNAL_EN in en and INTERNAL_ZH not in en
    five = page.get(reverse("webhooks:subscription-detail", args=[answered_500.pk]) + "?tab=deliveries",
                    HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "接收方返回 HTTP 500" in five

    # and so does the API, with the stable code beside it
    api = api_for(superior)
    answer = api.get(f"/api/v1/webhooks/deliveries/{sent.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (answer["error_code"], answer["error"]) == ("host_internal", INTERNAL_EN)
    answer = api.get(f"/api/v1/webhooks/deliveries/{sent.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (answer["error_code"], answer["error"]) == ("host_internal", INTERNAL_ZH)


@pytest.mark.django_db
def test_a_row_without_a_code_keeps_its_text(world, receiver):  # noqa: F811
    sub = subscription(world["superior"], world["demo"][COUNTY], receiver.url("/p"))
    from django.utils import timezone

    from webhooks.choices import EventType
    from webhooks.models import Event

    event = Event.objects.create(type=EventType.FINDING_OPENED, key="old-row", object_kind="oversight.finding",
                                 object_id=1, division=world["demo"][LINXI], payload={}, occurred_at=timezone.now())
    old = Delivery.objects.create(subscription=sub, event=event, attempt=1, status=DeliveryStatus.FAILED,
                                  error="旧的错误说明")
    assert old.error_message == "旧的错误说明"
