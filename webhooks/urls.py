"""Pages of webhooks (issue 15), mounted at /webhooks/."""

from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.SubscriptionListView.as_view(), name="index"),
    path("new/", views.SubscriptionCreateView.as_view(), name="subscription-create"),
    path("<int:pk>/", views.SubscriptionDetailView.as_view(), name="subscription-detail"),
    path("<int:pk>/edit/", views.SubscriptionEditView.as_view(), name="subscription-edit"),
    path("<int:pk>/deactivate/", views.SubscriptionDeactivateView.as_view(), name="subscription-deactivate"),
    path("<int:pk>/rotate-secret/", views.SubscriptionRotateSecretView.as_view(), name="subscription-rotate-secret"),
    path("deliveries/<int:pk>/redeliver/", views.DeliveryRedeliverView.as_view(), name="delivery-redeliver"),
]
