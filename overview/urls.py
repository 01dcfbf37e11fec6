from django.urls import include, path

from overview import views

app_name = "overview"

community_urls = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("partners/<int:pk>/delete/", views.partner_delete, name="partner_delete"),
]

urlpatterns = [
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("c/<slug:slug>/", include(community_urls)),
]
