"""/favicon.ico answers every browser that asks (the admin site names no icon), without a login."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

from harrow_bbp.favicon import FAVICON

pytestmark = pytest.mark.django_db


def test_the_favicon_redirects_to_the_nhs_icon_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/vendor/nhsuk-frontend/assets/images/favicon.ico")
    assert finders.find(FAVICON) is not None  # the icon it points to is shipped
    assert client.post("/favicon.ico").status_code == 405


def test_the_admin_site_no_longer_gets_a_404_for_its_icon(role_client):
    admin = role_client("admin")
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/favicon.ico").status_code == 301
