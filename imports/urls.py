from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("c/<slug:slug>/import/", views.import_start, name="start"),
    path("c/<slug:slug>/import/<int:pk>/", views.job, name="job"),
    path("c/<slug:slug>/import/<int:pk>/columns/", views.mapping, name="mapping"),
    path("c/<slug:slug>/import/<int:pk>/progress/", views.progress, name="progress"),
    path("c/<slug:slug>/import/<int:pk>/rows/<int:number>/", views.row, name="row"),
    path("c/<slug:slug>/import/<int:pk>/rows/<int:number>/skip/", views.row_skip, name="row_skip"),
    path("c/<slug:slug>/import/<int:pk>/skip-problems/", views.problems_skip, name="problems_skip"),
    path("c/<slug:slug>/import/<int:pk>/commit/", views.commit, name="commit"),
    path("c/<slug:slug>/import/<int:pk>/discard/", views.discard, name="discard"),
]
