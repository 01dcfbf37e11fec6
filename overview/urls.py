from django.urls import include, path

from overview import views

app_name = "overview"

community_urls = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
]

urlpatterns = [
    path("c/<slug:slug>/", include(community_urls)),
]
