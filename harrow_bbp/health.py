"""``/healthz/``: for the reverse proxy or load balancer, which asks over plain HTTP without a login.

Exempt from the HTTPS redirect (``SECURE_REDIRECT_EXEMPT``) and from the login requirement; it says only whether
this process can reach its database, and nothing about the data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
