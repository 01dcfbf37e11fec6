from django.urls import path

from intercession.views import groups, links, seasons, today

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
    path("c/<slug:slug>/groups/<int:pk>/guide/", groups.group_guide, name="group_guide"),
    path(
        "c/<slug:slug>/groups/<int:pk>/meetings/new/",
        groups.meeting_create,
        name="meeting_create",
    ),
    path("c/<slug:slug>/seasons/", seasons.season_list, name="season_list"),
    path("c/<slug:slug>/seasons/new/", seasons.season_create, name="season_create"),
    path("c/<slug:slug>/seasons/<int:pk>/", seasons.season_detail, name="season"),
    path("c/<slug:slug>/seasons/<int:pk>/edit/", seasons.season_edit, name="season_edit"),
    path(
        "c/<slug:slug>/seasons/<int:pk>/days/<int:number>/",
        seasons.season_day_edit,
        name="season_day_edit",
    ),
    path(
        "c/<slug:slug>/seasons/<int:pk>/hours/", seasons.season_hour_take, name="season_hour_take"
    ),
    path(
        "c/<slug:slug>/seasons/<int:pk>/hours/<int:hour_pk>/give-up/",
        seasons.season_hour_release,
        name="season_hour_release",
    ),
    path("r/prayed/<str:token>/", links.prayed_link, name="prayed_link"),
    path("r/prayed-all/<str:token>/", links.prayed_all_link, name="prayed_all_link"),
    path("r/snooze/<str:token>/", links.snooze_link, name="snooze_link"),
]
