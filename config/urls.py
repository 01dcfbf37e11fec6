from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", include("partnerships.urls")),
    path("", include("accounts.urls")),
    path("", include("intercession.urls")),
    path("", include("testimonies.urls")),
    path("", include("overview.urls")),
    path("", include("imports.urls")),
    path("", include("exports.urls")),
    path("", include("notifications.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
# No route serves MEDIA_ROOT, even in development: a partner's photo is served by its own view,
# behind the same loader as the partner's page.

handler403 = "config.views.permission_denied"
handler500 = "config.views.server_error"
