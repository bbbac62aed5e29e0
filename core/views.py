from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render


@login_required
def home(request):
    """The landing page: the five areas and the user's jurisdiction (from the context processor)."""
    return render(request, "home.html")


def healthz(request):
    """Liveness for the load balancer and the run command: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")
