"""Pages of oversight: the auditor's report bundle (issue 14 §6), included by oversight/urls.py."""

from django.urls import path

from . import views_bundle as v

urlpatterns: list = [
    path("bundles/", v.BundleListView.as_view(), name="bundle-list"),
    path("bundles/new/", v.BundleCreateView.as_view(), name="bundle-create"),
    path("bundles/<int:pk>/", v.BundleDetailView.as_view(), name="bundle-detail"),
    path("bundles/<int:pk>/status/", v.BundleStatusView.as_view(), name="bundle-status"),
]
