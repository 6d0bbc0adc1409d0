from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The seat this request ran under."""
    return HttpResponse(request.session.get("sessiongrains.seat", ""), content_type="text/plain")


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/login/"), name="logout"),
    path("me", me, name="me"),
    path("seat/", include("sessiongrains.django.urls")),
]
