from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from cxworkshop.ratelimits import (
    LOGIN_ACCOUNT,
    LOGIN_ADDRESS,
    PASSWORD_RESET,
    PASSWORD_RESET_EMAIL,
    limit_posts,
)

login = limit_posts(LOGIN_ADDRESS, LOGIN_ACCOUNT)(
    auth_views.LoginView.as_view(redirect_authenticated_user=True)
)
password_reset = limit_posts(PASSWORD_RESET, PASSWORD_RESET_EMAIL)(
    auth_views.PasswordResetView.as_view()
)

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", login, name="login"),
    path("password_reset/", password_reset, name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
