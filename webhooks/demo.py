"""The demo subscription: 宣城市发改委 (the demo's superior department, login ``superior``)
subscribes to every event of 绩溪县. Its URL is an example address (``hooks.example.org``):
point it at a real receiver on the subscription's page to see signed deliveries arrive.
Idempotent; needs load_demo_regions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from regions.models import Division

from . import services
from .choices import EventType
from .models import Subscription

DEMO_NAME = "宣城市发改委·绩溪县扩权强镇事件"
DEMO_URL = "https://hooks.example.org/kuoquan/jixi"


@transaction.atomic
def load_demo_webhooks() -> bool:
    """True when the subscription was created, False when it exists (or the demo regions do not)."""
    owner = get_user_model().objects.filter(username="superior").first()
    county = Division.objects.filter(code="341824").first()
    if owner is None or county is None or Subscription.objects.filter(owner=owner, name=DEMO_NAME).exists():
        return False
    services.subscription_create(actor=owner, name=DEMO_NAME, url=DEMO_URL, division=county,
                                 event_types=list(EventType.values))
    return True
