"""Include under any prefix: ``path("seat/", include("sessiongrains.django.urls"))``."""

from django.urls import path

from . import views

app_name = "sessiongrains"

urlpatterns = [
    path("waiting/", views.page, name="waiting"),
    path("waiting/status", views.status, name="waiting-status"),
    path("waiting/leave", views.leave, name="leave"),
    path("waiting/waiting.js", views.script, name="waiting-script"),
]
