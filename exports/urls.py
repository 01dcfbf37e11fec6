from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("export/", views.export_home, name="export_home"),
    path("c/<slug:slug>/export/", views.export, name="export"),
    path("c/<slug:slug>/export/spreadsheets/", views.export_spreadsheets, name="spreadsheets"),
    path("c/<slug:slug>/export/backup/", views.export_backup, name="backup"),
    path("c/<slug:slug>/export/mine/", views.export_mine, name="mine"),
]
