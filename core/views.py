from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render


@login_required
def home(request):
    """The landing page: the five areas and the user's jurisdiction (from the context processor)."""
    return render(request, "home.html")


def healthz(request):
    """Liveness for the load balancer and the run command: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """/favicon.ico, which browsers ask for on every page whatever the <link rel=icon> says."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.ico"))
