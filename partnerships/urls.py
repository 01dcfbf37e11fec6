from django.urls import path

from partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.home, name="home"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/new/", views.community_create, name="community_create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("c/<slug:slug>/", views.community_home, name="community"),
    path("c/<slug:slug>/settings/", views.community_settings, name="community_settings"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/members/invite/", views.invitation_create, name="invitation_create"),
    path("c/<slug:slug>/members/<int:pk>/", views.member_edit, name="member_edit"),
    path("c/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "c/<slug:slug>/invitations/<int:pk>/resend/",
        views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "c/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
]
