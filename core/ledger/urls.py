"""Pages of the ledger, mounted at /ledger/ by config/urls.py."""

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("accounts/<int:pk>/statement/", views.AccountStatementView.as_view(), name="statement"),
]
