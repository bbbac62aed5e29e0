from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from . import home as home_cards


@login_required
def home(request):
    """The landing page: a card per area with live figures for the user's scope (each app declares
    its card in core.home), areas not built yet said plainly; the jurisdiction comes from the
    context processor."""
    return render(request, "home.html", {"area_cards": home_cards.cards_for(request.user)})


def healthz(request):
    """Liveness for the load balancer and the run command: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """/favicon.ico, which browsers ask for on every page whatever the <link rel=icon> says."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("favicon.ico"))
