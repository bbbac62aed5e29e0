"""Router of the ledger API, mounted at /api/v1/ledger/ (namespace "ledger-api")."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "ledger-api"

router = DefaultRouter()
router.register("accounts", views.AccountViewSet, basename="account")

urlpatterns = [
    path("trial-balance/", views.TrialBalanceView.as_view(), name="trial-balance"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
    path("periods/close/", views.PeriodCloseView.as_view(), name="period-close"),
    *router.urls,
]
