from django.urls import include, path

from partnerships.views import (
    audit,
    calendar,
    checkins,
    communities,
    deliveries,
    leaving,
    partners,
    requests,
    search,
)

app_name = "partnerships"

community_urls = [
    path("", communities.community_home, name="community"),
    path("settings/", communities.community_settings, name="community_settings"),
    path("members/", communities.members, name="members"),
    path("leave/", leaving.community_leave, name="community_leave"),
    path("members/invite/", communities.invitation_create, name="invitation_create"),
    path("members/<int:pk>/", communities.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", communities.member_remove, name="member_remove"),
    path("invitations/<int:pk>/resend/", communities.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", communities.invitation_revoke, name="invitation_revoke"),
    path("deliveries/", deliveries.deliveries, name="deliveries"),
    path("audit/", audit.audit, name="audit"),
    path("search/", search.search, name="search"),
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<int:pk>/", partners.partner_detail, name="partner"),
    path("partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path("partners/<int:pk>/photo/", partners.partner_photo, name="partner_photo"),
    path("partners/<int:pk>/invite/", partners.partner_invite, name="partner_invite"),
    path("partners/<int:pk>/end/", leaving.partner_end, name="partner_end"),
    path("partners/<int:pk>/requests/new/", requests.request_create, name="request_create"),
    path("partners/<int:pk>/checkins/new/", checkins.checkin_create, name="checkin_create"),
    path("requests/review/", requests.requests_review, name="requests_review"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/update/", requests.request_update, name="request_update"),
    path("requests/<int:pk>/answer/", requests.request_answer, name="request_answer"),
    path("requests/<int:pk>/close/", requests.request_close, name="request_close"),
    path("checkins/", checkins.checkin_list, name="checkin_list"),
    path("checkins/<int:pk>/", checkins.checkin_detail, name="checkin"),
    path("checkins/<int:pk>/edit/", checkins.checkin_edit, name="checkin_edit"),
    path("checkins/<int:pk>/status/", checkins.checkin_status, name="checkin_status"),
    path("checkins/<int:pk>/notes/", checkins.checkin_notes, name="checkin_notes"),
    path("checkins/<int:pk>/next/", checkins.checkin_next, name="checkin_next"),
    path("checkins/<int:pk>/check-in.ics", checkins.checkin_ics, name="checkin_ics"),
]

urlpatterns = [
    path("", communities.home, name="home"),
    path("communities/", communities.community_list, name="community_list"),
    path("communities/new/", communities.community_create, name="community_create"),
    path("invitations/<str:token>/", communities.invitation, name="invitation"),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/new/", calendar.calendar_feed_create, name="calendar_feed_create"),
    path("calendar/revoke/", calendar.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("c/<slug:slug>/", include(community_urls)),
]
