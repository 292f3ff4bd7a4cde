"""The app's URLs plus /bench/ping/: the least an authenticated Django view can do."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping, name="bench_ping"),
    path("", include("accountmanagement.urls")),
]
