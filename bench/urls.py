from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from accounts.http import AuthenticatedRequest
from config.urls import handler403, handler500
from config.urls import urlpatterns as app_urlpatterns
from partnerships.models import Membership

FLOOR = engines["django"].from_string(
    "<!doctype html><html lang='en'><title>Floor</title><main><h1>{{ title }}</h1>"
    "<p>{{ count }} communities</p></main></html>"
)


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FLOOR.render({"title": "Floor", "count": 0}, request))


@login_required
def signed_in_floor(request: AuthenticatedRequest) -> HttpResponse:
    count = Membership.objects.filter(user=request.user).count()
    return HttpResponse(FLOOR.render({"title": request.user.get_short_name(), "count": count}))


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/floor/signed-in/", signed_in_floor, name="bench_signed_in_floor"),
    *app_urlpatterns,
]
__all__ = ["handler403", "handler500", "urlpatterns"]
