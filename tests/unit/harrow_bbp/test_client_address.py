"""The address sign-in failures are counted against, directly and behind reverse proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from harrow_bbp.lockout import client_address


def request(forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.9.0.2", **extra)


def test_without_proxies_the_header_is_ignored(settings):
    settings.SIGNIN_PROXY_COUNT = 0
    assert client_address(request("81.2.69.160")) == "10.9.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "81.2.69.160", "81.2.69.160"),  # nginx appended the client's address
        (1, "1.2.3.4, 81.2.69.160", "81.2.69.160"),  # the client's own entry on the left is not trusted
        (2, "1.2.3.4, 81.2.69.160, 10.0.0.5", "81.2.69.160"),  # load balancer then nginx
        (1, "81.2.69.160:51234", "81.2.69.160"),  # a gateway that adds the port
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (2, "81.2.69.160", "10.9.0.2"),  # fewer entries than proxies: the request bypassed one
        (1, "not-an-address", "10.9.0.2"),
        (1, "", "10.9.0.2"),
    ],
)
def test_behind_proxies_the_outermost_proxys_entry_is_used(settings, proxies, forwarded, expected):
    settings.SIGNIN_PROXY_COUNT = proxies
    assert client_address(request(forwarded)) == expected


def test_missing_header_falls_back_to_the_socket_address(settings):
    settings.SIGNIN_PROXY_COUNT = 1
    assert client_address(request()) == "10.9.0.2"
