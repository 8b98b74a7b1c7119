"""Top-level URLs. Every page needs a login (LoginRequiredMiddleware); the login page is the exception."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("dashboards.urls")),
]

handler400 = "harrow_bbp.errors.bad_request"
