"""No parameter value gives a 500: every view, as every role, with random path segments and query strings.

Walks the whole URL resolver the way test_access does (so a new page is covered without being listed), and for
each pattern and role sends GETs whose path segments are real values or junk of the converter's shape, and whose
query string carries random values for every parameter the view's module reads (found in its source, so a new
``request.GET`` is covered too) plus junk extra parameters; then POSTs random form data for the fields of the forms
the module uses. Every answer must be below 500; an exception in a view fails with its traceback (the test client
re-raises it).
"""

from __future__ import annotations

import inspect
import re
import sys
from urllib.parse import quote

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.examples import examples

from .test_access import PARAM, RowValues, all_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # every view, as every role, with Hypothesis

ROLES = ["board", "analyst", "pcnlead", "admin"]
#: Query parameters no view reads today but a pager, sorter or exporter might: sent to every view.
COMMON = ["page", "sort", "format", "period", "breakdown", "area", "month", "theme", "workstream", "closed"]
READS = re.compile(r"request\.(GET|POST)(?:\.get\(|\[|\.getlist\()\s*[\"'](\w+)[\"']")
TRICKY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "a/b",
    "../../etc/passwd",
    "9999-12",
    "0001-01",
    "0000-00",
    "2026-13",
    "2026-00",
    "2026-9",
    "2026-W01",
    "2026-09-31",
    "9999-12-31",
    "0001-01-01",
    "\u0661\u0662\u0663\u0664-\u0660\u0665",  # Arabic-Indic digits: int() reads them, a month must not
    "-1",
    "0",
    "1",
    "1e309",
    "NaN",
    str(2**63),
    str(10**40),
    "null",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "E09000015",
    "U84846",
    "\u202eevil",
    "x" * 300,
]
junk_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=30),
    st.text(alphabet="aZ09/-_.% \x00\x7fé€", max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}"),
    st.dates().map(lambda d: d.isoformat()),
)


def _module_of(callback) -> object:
    return sys.modules[inspect.unwrap(callback).__module__]


def parameters_read(callback, method: str) -> set[str]:
    """The ``request.GET``/``request.POST`` names read anywhere in the view's module."""
    source = inspect.getsource(_module_of(callback))
    return {name for kind, name in READS.findall(source) if kind == method}


def form_fields(callback) -> dict[str, forms.Field]:
    """The fields of every form class the view's module defines or imports."""
    fields: dict[str, forms.Field] = {}
    for value in vars(_module_of(callback)).values():
        if isinstance(value, type) and issubclass(value, forms.BaseForm) and value is not forms.Form:
            fields.update(value.base_fields)
    return fields


def field_values(field: forms.Field) -> st.SearchStrategy:
    """Junk, or a value of the field's own kind, so that forms sometimes validate and the writes behind them run."""
    own: list[st.SearchStrategy] = [junk_text]
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        own.append(st.sampled_from([str(k) for k, _ in choices] or [""]))
    if isinstance(field, forms.ModelChoiceField):
        own.append(st.sampled_from([str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]] or ["1"]))
    if isinstance(field, forms.DateField):
        own.append(st.dates().map(lambda d: d.isoformat()))
        own.append(st.dates().map(lambda d: f"{d:%Y-%m}"))
    return st.one_of(own)


def path_values(converter: str | None, real) -> st.SearchStrategy:
    if converter == "int":
        junk = st.one_of(st.integers(min_value=0, max_value=10**30), st.sampled_from([0, 2**31, 2**63, 10**40]))
    elif converter == "slug":
        junk = st.one_of(st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True), st.sampled_from(TRICKY))
    else:
        junk = junk_text.filter(bool)
    return st.one_of(st.just(real), junk) if real is not None else junk


def _path(route: str, draw, values: RowValues) -> str:
    out, position, last_literal = [], 0, ""
    for match in PARAM.finditer(route):
        literal = route[position : match.start()]
        out.append(literal)
        segments = [s for s in re.split(r"[/^]", literal) if s]
        last_literal = segments[-1] if segments else last_literal
        name = match.group("name") or match.group("group")
        value = draw(path_values(match.group("converter"), values.value(last_literal, name)))
        out.append(quote(str(value), safe=""))
        position = match.end()
    out.append(route[position:])
    return "/" + "".join(out).lstrip("^").rstrip("$").replace("\\", "")


PATTERNS = list(all_patterns())


@pytest.fixture
def row_values():
    from outcomes import actions

    extract = actions.create_extract(file_name="params.csv", content=b"x", format="generic", source="command")
    return RowValues(extract)


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize(
    ("route", "callback"), [(r, p.callback) for r, _, p in PATTERNS], ids=[r for r, *_ in PATTERNS]
)
@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_parameter_value_gives_a_server_error(role_client, row_values, username, route, callback, data):
    client = role_client(username)
    path = _path(route, data.draw, row_values)
    names = sorted(parameters_read(callback, "GET") | set(COMMON))
    query = data.draw(st.dictionaries(st.sampled_from(names), junk_text, max_size=len(names)), label="query")
    query |= data.draw(st.dictionaries(st.text(min_size=1, max_size=10), junk_text, max_size=2), label="extra")
    response = client.get(path, query)
    assert response.status_code < 500, f"GET {path} {query!r} as {username}: {response.status_code}"

    fields = form_fields(callback)
    posted = {name: data.draw(field_values(field), label=name) for name, field in fields.items()}
    for name in parameters_read(callback, "POST"):
        posted[name] = data.draw(junk_text, label=name)
    response = client.post(path, posted)
    assert response.status_code < 500, f"POST {path} {posted!r} as {username}: {response.status_code}"


def test_the_parameters_each_view_reads_are_found():
    """The walk above is only as good as this: the month, area and filter parameters are seen in the sources."""
    by_route = {route: pattern.callback for route, _, pattern in PATTERNS}
    assert "month" in parameters_read(by_route["workstreams/not-reported/"], "GET")
    assert "area" in parameters_read(by_route["indicators/<slug:code>/"], "GET")
    assert {"closed", "workstream"} <= parameters_read(by_route["risks/"], "GET")
    assert "theme" in parameters_read(by_route["insight/"], "GET")
    commentary = by_route["indicators/<slug:code>/<str:area_code>/commentary/"]
    assert {"text", "period_end"} <= parameters_read(commentary, "POST")
    assert {"likelihood", "review_date"} <= set(form_fields(by_route["risks/new/"]))
    assert "month" in form_fields(by_route["board-packs/"])


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/workstreams/?month=9999-12", 400),
        ("/workstreams/not-reported/?month=0001-01", 400),
        ("/workstreams/not-reported/?month=2026-13", 400),
        ("/workstreams/not-reported/?month=2026-W01", 400),
        ("/workstreams/not-reported/?month=2026-09", 200),
        ("/indicators/OUT5_ACSC_ADMISSIONS/?area=a/b", 404),
        ("/indicators/OUT5_ACSC_ADMISSIONS/?area=a%00b", 404),
        ("/indicators/OUT5_ACSC_ADMISSIONS/?area=NOWHERE", 404),
        ("/indicators/OUT5_ACSC_ADMISSIONS/?area=E09000015", 200),
        ("/indicators/OUT5_ACSC_ADMISSIONS/a%00b/", 404),
        ("/pcns/a%00b/", 404),
        ("/insight/9999/12/", 404),
        ("/insight/1/1/", 404),
        ("/risks/?closed=maybe", 400),
        ("/risks/?workstream=a%00b", 400),
        ("/insight/?theme=%00", 400),
    ],
)
def test_the_reported_and_neighbouring_bad_parameters(board_client, url, status):
    response = board_client.get(url)
    assert response.status_code == status, url


def test_the_400_page_gives_the_reason_in_the_site_layout(board_client):
    response = board_client.get("/workstreams/?month=9999-12")
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    text = response.content.decode()
    assert "YYYY-MM between 2000 and 2100" in text and "Sign out Brenda Board (demo)" in text


def test_the_area_switcher_still_redirects(board_client):
    response = board_client.get("/indicators/OUT5_ACSC_ADMISSIONS/?area=E92000001")
    assert response.status_code == 302 and response.url == "/indicators/OUT5_ACSC_ADMISSIONS/E92000001/"


def test_other_bad_requests_get_the_400_page_without_django_internals(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "The address could not be understood" in response.content.decode()
    assert "evil.example.com" not in response.content.decode()


def test_forms_refuse_months_and_dates_outside_the_pages_range(role_client):
    from workstreams.models import InsightTheme

    client = role_client("analyst")
    response = client.post(reverse("dashboards:board_packs"), {"month": "0001-01"})
    assert response.status_code == 200 and "month" in response.context["form"].errors
    theme = InsightTheme.objects.first()
    posted = {"theme": theme.pk, "heard_on": "0001-01-01", "source": "s", "what_we_heard": "h", "status": "heard"}
    response = client.post(reverse("dashboards:new_insight"), posted)
    assert response.status_code == 200 and "heard_on" in response.context["form"].errors
