"""The demo's pages: who is working (signed in only), sign-in and sign-out (Django's own views), and the seat's
waiting page from sessiongrains.django."""
from django.urls import include, path
from django.views.decorators.http import require_POST

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    # Django 3.2's LogoutView signs out on any method; a link or a prefetch must not.
    path("accounts/logout/", require_POST(views.SignOutView.as_view()), name="logout"),
    path("seat/", include("sessiongrains.django.urls")),
]
