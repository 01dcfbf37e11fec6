from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("reminders/", views.reminder_settings, name="reminder_settings"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("r/not-today/<str:token>/", views.not_today, name="not_today"),
]
