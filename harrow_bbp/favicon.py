"""``/favicon.ico``: browsers ask for it on every page that names no icon of its own (the admin site, PDFs and
error pages), so a permanent redirect to the NHS favicon among the static files answers instead of a 404 on every
visit. No login: it is a public NHS asset, and the sign-in page asks for it too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe

#: The icon base.html links to (NHS.UK frontend's own).
FAVICON = "vendor/nhsuk-frontend/assets/images/favicon.ico"


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(static(FAVICON))
