"""The demo's views: Django's sign-in and sign-out, and the page listing who is working on the site."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.shortcuts import render

from sessiongrains.django import get_client

# Where sessiongrains.django keeps the id of the request's own session (its seat).
SEAT_KEY = "sessiongrains.seat"


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Wrong user name or password.",
    }


class SignInView(LoginView):
    """Django's own sign-in; sessiongrains.django takes the seat when it succeeds, or refuses it on a full site."""

    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    """Django's own sign-out (sessiongrains.django ends the seat), then back to the sign-in page, saying so."""

    next_page = "login"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        messages.info(request, "You signed out.")
        return response


@login_required
def index(request):
    """Who is working on the site now, oldest session first, and how many seats are taken."""
    client = get_client()
    site = client.get_site()
    sessions = sorted(client.iter_sessions(), key=lambda session: session.started_at)
    return render(
        request,
        "index.html",
        {
            "site": site,
            "sessions": sessions,
            "own_session": request.session.get(SEAT_KEY),
            "idle_minutes": -(-site.idle_timeout_seconds // 60),
        },
    )
