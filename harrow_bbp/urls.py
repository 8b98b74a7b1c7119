"""Top-level URLs. Every page needs a login (LoginRequiredMiddleware) but the login page, /healthz/ and
/favicon.ico."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .favicon import favicon
from .health import healthz
from .oidc import SignInView, sso_callback, sso_start

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    # Single sign-on (OpenID Connect); 404 unless OIDC_RP_CLIENT_ID is set.
    path("oidc/authenticate/", sso_start, name="oidc_authentication_init"),
    path("oidc/callback/", sso_callback, name="oidc_authentication_callback"),
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
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("dashboards.urls")),
]

handler400 = "harrow_bbp.errors.bad_request"
