from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views
from cxworkshop.ratelimits import limit_posts, posted

login = limit_posts(
    auth_views.LoginView.as_view(redirect_authenticated_user=True),
    group="login",
    keys=["ip", posted("username")],
    message=_("Too many tries to log in. Wait a few minutes, or reset your password."),
)
password_reset = limit_posts(
    auth_views.PasswordResetView.as_view(),
    group="password_reset",
    keys=["ip", posted("email")],
    message=_("Too many password reset requests. Check your inbox, or try again in an hour."),
)

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", login, name="login"),
    path("password_reset/", password_reset, name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
