"""Every page needs a login; roles are enforced in harrow_bbp.access.

The anonymous test walks the whole URL resolver (whatever apps add), fills every parameter from real rows in the
session test database, and fails, listing them, for patterns it cannot fill. Only the login page, the proxy's health
check, static files and the Django admin (which has its own login) are left out.
"""

import datetime as dt
import re
import sys
import types
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse

from harrow_bbp import access

pytestmark = pytest.mark.django_db

# The sign-in page, single sign-on (404 unless configured; test_single_sign_on.py covers them) and the proxy's
# health check, which says only "ok" (test_production_settings.py).
PUBLIC = {"login", "oidc_authentication_init", "oidc_authentication_callback", "healthz", "favicon"}
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)")
#: Patterns where no row is needed: the value is a fixed choice, or any value 404s or redirects anyway.
DUMMY_VALUES = {
    "extracts/files/<str:name>.csv": {"name": "template"},  # a fixed file name, not a row
}
#: URL segment -> model, where the segment is not simply the model's name in the plural.
SEGMENT_MODELS = {"pcns": "outcomes.area", "areas": "outcomes.area", "insight": "workstreams.communityinsight"}
#: Rows to prefer (e.g. the PCN pages take a PCN, not any area).
PREFERRED = {"pcns": {"level": "pcn"}, "outcomes.area": {"code": "E09000015"}}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def all_patterns(resolver=None, prefix="", names=()):
    """(route, name, pattern) for every pattern in the project, with admin and static files left out."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if "admin" in (entry.app_name, entry.namespace):
                continue
            yield from all_patterns(entry, route, (*names, entry.namespace or ""))
        elif isinstance(entry, URLPattern):
            if (entry.name or "") in PUBLIC or _is_static(route, entry):
                continue
            yield route, ":".join(n for n in (*names, entry.name or "") if n), entry


def _is_static(route: str, entry: URLPattern) -> bool:
    module = getattr(entry.callback, "__module__", "")
    static = (settings.STATIC_URL or "").lstrip("/")
    return module in {"django.views.static", "django.contrib.staticfiles.views"} or (
        bool(static) and route.lstrip("^").startswith(static)
    )


def project_routes() -> list[str]:
    return [route for route, _, _ in all_patterns()]


def _model_for(segment: str) -> type[models.Model] | None:
    label = SEGMENT_MODELS.get(segment)
    if label:
        return apps.get_model(label)
    singular = segment.replace("-", "").replace("_", "").lower()
    singular = singular[:-1] if singular.endswith("s") else singular
    candidates = [m for m in apps.get_models() if m._meta.model_name == singular]
    candidates = candidates or [m for m in apps.get_models() if m._meta.model_name.endswith(singular)]
    return candidates[0] if len(candidates) == 1 else None


def _auto_row(model: type[models.Model]) -> models.Model | None:
    """A minimal real row when the session database has none (required fields filled, FKs to existing rows)."""
    values: dict = {}
    for field in model._meta.concrete_fields:
        if (
            field.primary_key
            or field.has_default()
            or field.null
            or field.blank
            or getattr(field, "auto_now_add", False)
        ):
            continue
        if isinstance(field, models.ForeignKey):
            related = field.related_model.objects.first()
            if related is None:
                return None
            values[field.name] = related
        elif field.choices:
            values[field.name] = field.choices[0][0]
        elif isinstance(field, (models.DateTimeField,)):
            values[field.name] = dt.datetime.now(dt.UTC)
        elif isinstance(field, models.DateField):
            values[field.name] = dt.date.today().replace(day=1)
        elif isinstance(field, (models.IntegerField, models.FloatField, models.DecimalField)):
            values[field.name] = 1
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.name] = "access-test"[: field.max_length or None]
        elif isinstance(field, models.BooleanField):
            values[field.name] = False
        else:
            return None
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except Exception:  # a row we cannot make means the pattern is reported as unfillable
        return None


class RowValues:
    """Concrete values for URL parameters, taken from rows of the session test database."""

    def __init__(self, extract) -> None:
        self.extract = extract
        self.rows: dict[tuple, models.Model | None] = {}

    def row(self, segment: str, model: type[models.Model]) -> models.Model | None:
        key = (segment, model._meta.label_lower)
        if key not in self.rows:
            if model._meta.label_lower == "outcomes.extract":
                self.rows[key] = self.extract
            else:
                rows = model.objects.all()
                preferred = PREFERRED.get(segment) or PREFERRED.get(model._meta.label_lower)
                found = (rows.filter(**preferred).first() if preferred else None) or rows.first()
                self.rows[key] = found or _auto_row(model)
        return self.rows[key]

    def value(self, segment: str, name: str):
        today = dt.date.today()
        if name in ("year", "month", "day"):
            return getattr(today, name)
        candidates = [(segment, name)]
        if "_" in name:  # area_code -> the code of an Area
            resource, _, field = name.rpartition("_")
            candidates.append((resource, field))
        for seg, field in candidates:
            model = _model_for(seg) if seg else None
            if model is None:
                continue
            names = {f.name for f in model._meta.concrete_fields}
            if field not in {"pk", "id"} and field not in names:
                continue
            row = self.row(seg, model)
            if row is not None:
                return row.pk if field in {"pk", "id"} else getattr(row, field)
        return None


def concrete_path(route: str, values: RowValues) -> str | None:
    """``route`` with every parameter filled, or None when one cannot be."""
    dummy = DUMMY_VALUES.get(route, {})
    out, last_literal, position = [], "", 0
    for match in PARAM.finditer(route):
        literal = route[position : match.start()]
        out.append(literal)
        segments = [s for s in re.split(r"[/^]", literal) if s]
        last_literal = segments[-1] if segments else last_literal
        name = match.group("name") or match.group("group")
        value = dummy[name] if name in dummy else values.value(last_literal, name)
        if value is None:
            return None
        out.append(quote(str(value), safe=""))
        position = match.end()
    out.append(route[position:])
    return "/" + "".join(out).lstrip("^").rstrip("$").replace("\\", "")


@pytest.fixture
def row_values():
    from outcomes import actions

    extract = actions.create_extract(file_name="access.csv", content=b"x", format="generic", source="command")
    return RowValues(extract)


def _assert_sent_to_sign_in(client, method: str, path: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path)
    assert response.status_code == 302, f"anonymous {method.upper()} {path} gave {response.status_code}"
    assert response.url.startswith(reverse("login") + "?next="), f"{method.upper()} {path} -> {response.url}"
    writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
    assert not writes, f"anonymous {method.upper()} {path} wrote to the database: {writes}"


@pytest.mark.parametrize("route", project_routes())
def test_anonymous_users_are_sent_to_sign_in(client, row_values, route):
    path_ = concrete_path(route, row_values)
    if path_ is None:
        pytest.fail(f"cannot build a path for {route!r}: add a row or a DUMMY_VALUES entry")
    assert resolve(path_).route == route.lstrip("^")  # the path reaches this pattern, not another one
    _assert_sent_to_sign_in(client, "get", path_)
    _assert_sent_to_sign_in(client, "post", path_)


def test_every_parameterised_pattern_is_filled_from_real_rows(row_values):
    """Listed in one failure, so a new page with an unknown parameter cannot pass by being skipped."""
    routes = project_routes()
    unfilled = [r for r in routes if concrete_path(r, row_values) is None]
    assert not unfilled, f"no concrete path for: {unfilled}"
    assert {"", "indicators/<slug:code>/<str:area_code>/commentary/", "extracts/<int:pk>/"} <= set(routes)
    assert concrete_path("extracts/<int:pk>/", row_values) == f"/extracts/{row_values.extract.pk}/"
    assert concrete_path("pcns/<str:code>/", row_values).strip("/").split("/")[-1] in set(
        apps.get_model("outcomes.area").objects.filter(level="pcn").values_list("code", flat=True)
    )
    assert not any(r.startswith(("admin/", "static/")) or r == "accounts/login/" for r in routes)


def _view(request, **kwargs):  # pragma: no cover - never reached by an anonymous user
    raise AssertionError("view ran")


def test_the_walk_is_generic_and_reports_patterns_it_cannot_fill(row_values):
    from django.contrib import admin

    module = types.ModuleType("access_probe_urls")
    module.urlpatterns = [
        path("admin/", admin.site.urls),
        path("risks/<slug:reference>/", _view),
        path("workstreams/<slug:code>/report/", _view, name="probe"),
        path("mystery/<int:pk>/", _view),
    ]
    sys.modules[module.__name__] = module
    try:
        with override_settings(ROOT_URLCONF=module.__name__):
            routes = project_routes()
            assert routes == ["risks/<slug:reference>/", "workstreams/<slug:code>/report/", "mystery/<int:pk>/"]
            workstream = apps.get_model("workstreams.workstream").objects.first()
            assert concrete_path(routes[1], row_values) == f"/workstreams/{workstream.code}/report/"
            assert concrete_path(routes[0], row_values).startswith("/risks/")
            assert concrete_path(routes[2], row_values) is None
    finally:
        del sys.modules[module.__name__]


def test_admin_has_its_own_sign_in(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_a_signed_in_user_without_a_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password="x-long-password-1"))
    assert client.get(reverse("dashboards:board")).status_code == 403


@pytest.mark.parametrize("username", ["board", "analyst", "pcnlead", "admin"])
def test_each_role_can_read_the_board_overview(role_client, username):
    assert role_client(username).get(reverse("dashboards:board")).status_code == 200


def test_roles_and_pcn_scope(django_user_model):
    names = ["board", "analyst", "pcnlead", "admin"]
    users = {u.username: u for u in django_user_model.objects.filter(username__in=names)}
    assert access.roles_of(users["board"]) == {access.BOARD}
    assert access.is_analyst(users["analyst"]) and not access.is_analyst(users["board"])
    assert access.sees_unsuppressed_counts(users["analyst"]) and not access.sees_unsuppressed_counts(users["pcnlead"])
    own = access.own_pcn_id(users["pcnlead"])
    assert own is not None and access.can_see_practices_of(users["pcnlead"], own)
    assert not access.can_see_practices_of(users["pcnlead"], own + 1)
    assert not access.can_see_practices_of(users["board"], own)
    assert access.ADMIN in access.roles_of(users["admin"]) and access.can_upload(users["admin"])


def test_login_page_is_public_and_signs_in(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "board", "password": "demo-board-2026"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("dashboards:board")


@pytest.mark.parametrize(
    "model",
    [
        "outcomes.area",
        "outcomes.indicator",
        "outcomes.target",
        "outcomes.observation",
        "outcomes.extract",
        "outcomes.commentary",
        "outcomes.practicemembership",
        "workstreams.partner",
        "workstreams.person",
        "workstreams.workstream",
        "workstreams.milestone",
        "workstreams.statusreport",
        "workstreams.risk",
        "harrow_bbp.profile",
        "auth.user",
        "auth.group",
        "audit.auditevent",
        "audit.accesslogentry",
    ],
)
def test_admin_lists_every_model_for_staff(role_client, model):
    app_label, model_name = model.split(".")
    response = role_client("admin").get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
