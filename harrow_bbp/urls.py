"""Top-level URLs. Every page needs a login (LoginRequiredMiddleware); the login page is the exception."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Own template names: django.contrib.admin (earlier in INSTALLED_APPS) ships registration/password_change_*.html.
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/change_password.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/change_password_done.html"),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("dashboards.urls")),
]
