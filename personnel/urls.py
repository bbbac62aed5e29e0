"""Pages of personnel, mounted at /personnel/ (namespace "personnel"). The establishment,
institutions, people and posts first; the secondments, stationed units and training below."""

from django.urls import path  # noqa: F401

app_name = "personnel"

urlpatterns = [
    # --- establishment, institutions, people and posts (p1) ---
    # --- secondments, stationed units, certificates and training (p2) ---
]
