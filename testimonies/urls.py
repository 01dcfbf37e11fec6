from django.urls import path

from testimonies import views

app_name = "testimonies"
urlpatterns = [
    path("c/<slug:slug>/testimonies/", views.testimony_list, name="testimony_list"),
    path("c/<slug:slug>/testimonies/print/", views.testimony_print, name="testimony_print"),
    path("c/<slug:slug>/testimonies/new/", views.testimony_create, name="testimony_create"),
    path("c/<slug:slug>/testimonies/<int:pk>/", views.testimony_detail, name="testimony"),
    path("c/<slug:slug>/testimonies/<int:pk>/edit/", views.testimony_edit, name="testimony_edit"),
    path(
        "c/<slug:slug>/testimonies/<int:pk>/publish/",
        views.testimony_publish,
        name="testimony_publish",
    ),
    path(
        "c/<slug:slug>/testimonies/<int:pk>/unpublish/",
        views.testimony_unpublish,
        name="testimony_unpublish",
    ),
    path(
        "c/<slug:slug>/testimonies/<int:pk>/thanks/",
        views.testimony_thanks,
        name="testimony_thanks",
    ),
    path("c/<slug:slug>/corner/", views.corner, name="corner"),
    path("corner/", views.my_corner, name="my_corner"),
    path("notifications/", views.notifications, name="notifications"),
]
