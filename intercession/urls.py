from django.urls import path

from intercession.views import groups, links, today

app_name = "intercession"
urlpatterns = [
    path("c/<slug:slug>/today/", today.today, name="today"),
    path("c/<slug:slug>/pray/", today.pray, name="pray"),
    path("c/<slug:slug>/prayers/<int:pk>/note/", today.prayer_note, name="prayer_note"),
    path("c/<slug:slug>/pray-through/", today.pray_through, name="pray_through"),
    path("c/<slug:slug>/record/", today.record, name="record"),
    path("c/<slug:slug>/groups/", groups.group_list, name="group_list"),
    path("c/<slug:slug>/groups/new/", groups.group_create, name="group_create"),
    path("c/<slug:slug>/groups/<int:pk>/", groups.group_detail, name="group"),
    path("c/<slug:slug>/groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path(
        "c/<slug:slug>/groups/<int:pk>/meetings/new/",
        groups.meeting_create,
        name="meeting_create",
    ),
    path("r/prayed/<str:token>/", links.prayed_link, name="prayed_link"),
    path("r/prayed-all/<str:token>/", links.prayed_all_link, name="prayed_all_link"),
    path("r/snooze/<str:token>/", links.snooze_link, name="snooze_link"),
]
