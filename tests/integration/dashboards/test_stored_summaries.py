"""The board overview's summaries are stored once per data version and read back, not recomputed, after the page
cache has emptied; any new input (data, settings, code) computes them afresh (dashboards.stored, ADR 0032)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards import actions, pages, stored
from dashboards.cache import data_version
from dashboards.invalidation import bump_page_version
from dashboards.models import StoredSummary
from dashboards.selectors import stored_summary
from outcomes.selectors import PcnData, harrow

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
SUMMARIES = {"board_changes", "tracked_icons", "jsna_counts", "overdue"}
PRACTICES_CONTROLLED = "pcn_practices:U84846:controlled"


@pytest.fixture
def computed(monkeypatch):
    """The name of each summary computed (not read back), in order."""
    calls: list[str] = []
    original = stored.store_summary

    def counted(*, name, **kwargs):
        calls.append(name)
        return original(name=name, **kwargs)

    monkeypatch.setattr(stored, "store_summary", counted)
    return calls


def _all_four(today: dt.date = TODAY):
    borough = harrow()
    return (
        pages.board_changes(today),
        [(m.indicator.code, m.variation_code, m.assurance_code) for m in pages.tracked_icons(borough)],
        pages.jsna_counts(),
        [(o.indicator.code, o.latest_period, o.expected_by) for o in pages.overdue(today, borough)],
    )


def test_each_summary_is_stored_once_and_read_back_equal_after_the_cache_empties(computed):
    cache.clear()
    first = _all_four()
    assert set(computed) == SUMMARIES and len(computed) == 4
    assert set(StoredSummary.objects.values_list("name", flat=True)) == SUMMARIES
    cache.clear()
    again = _all_four()
    assert len(computed) == 4  # nothing computed the second time
    assert again == first
    assert len(first[0]) == 7 and first[1] and sum(first[2].values()) and first[3]  # not empty summaries


def test_a_new_data_version_computes_them_afresh_and_replaces_the_stored_rows(computed):
    _all_four()
    before = dict(StoredSummary.objects.values_list("name", "fingerprint"))
    bump_page_version()  # what any edit of reference data does (ADR 0013)
    cache.clear()
    _all_four()
    assert len(computed) == 8
    after = dict(StoredSummary.objects.values_list("name", "fingerprint"))
    assert set(after) == SUMMARIES  # one row per summary, replaced
    assert all(after[name] != before[name] for name in SUMMARIES)


def test_a_change_of_code_or_of_a_setting_read_is_a_new_input(monkeypatch, settings, computed):
    version = data_version()
    key = stored.fingerprint("board_changes", (dt.date(2026, 11, 30),), version)
    assert stored.fingerprint("board_changes", (dt.date(2026, 11, 30),), version) == key
    assert stored.fingerprint("board_changes", (dt.date(2026, 10, 31),), version) != key
    assert stored.fingerprint("tracked_icons", (dt.date(2026, 11, 30),), version) != key
    settings.SPC_MIN_POINTS = settings.SPC_MIN_POINTS + 1
    assert stored.fingerprint("board_changes", (dt.date(2026, 11, 30),), version) != key
    settings.SPC_MIN_POINTS = settings.SPC_MIN_POINTS - 1
    monkeypatch.setattr(stored, "code_digest", lambda: "another release")
    assert stored.fingerprint("board_changes", (dt.date(2026, 11, 30),), version) != key


def test_the_code_digest_reads_the_apps_own_source_and_pins_not_the_installed_libraries(monkeypatch):
    read: list[Path] = []
    original = Path.read_bytes

    def recorded(path: Path) -> bytes:
        read.append(path.resolve())
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", recorded)
    stored.code_digest.cache_clear()
    try:
        digest = stored.code_digest()
    finally:
        stored.code_digest.cache_clear()
    base = Path(django_settings.BASE_DIR).resolve()
    names = {str(p.relative_to(base)) for p in read}
    assert len(digest) == 64
    assert {"dashboards/stored.py", "dashboards/board.py", "outcomes/stats/targets.py", "constraints.txt"} <= names
    assert all(p.is_relative_to(base) and not p.is_relative_to(Path(sys.prefix).resolve()) for p in read)


def test_a_summary_changes_with_its_month_ends_not_with_the_day(computed):
    pages.board_changes(dt.date(2026, 12, 7))
    cache.clear()
    pages.board_changes(dt.date(2026, 12, 20))  # the same two month ends: read back
    assert computed == ["board_changes"]
    cache.clear()
    pages.board_changes(dt.date(2027, 1, 3))  # a new month: other month ends
    assert computed == ["board_changes", "board_changes"]


def test_the_overview_built_after_the_cache_empties_computes_no_summary(client, django_user_model, monkeypatch):
    client.force_login(django_user_model.objects.get(username="board"))
    first = client.get(reverse("dashboards:board"))  # computes and stores them
    assert first.status_code == 200
    cache.clear()

    refuse = _refusing("a stored summary was computed again")
    for name in ("tracked_measure_icons", "overdue_indicators", "board_state"):
        monkeypatch.setattr(pages, name, refuse)
    monkeypatch.setattr(pages.jsna_page, "england_counts", refuse)
    response = client.get(reverse("dashboards:board"))
    assert response.status_code == 200
    assert _masked(response.content) == _masked(first.content)  # the same page, from the stored summaries


def _refusing(what: str):
    """A stand-in that fails the test with ``what`` if it is called."""

    def refuse(*args, **kwargs):
        raise AssertionError(what)

    return refuse


def _assert_same_pages(*responses) -> None:
    """Every response a 200, and the same page (CSP nonces and CSRF tokens aside)."""
    assert {r.status_code for r in responses} == {200}
    assert len({_masked(r.content) for r in responses}) == 1


def _masked(html: bytes) -> str:
    """The page without what differs per request (CSP nonces, CSRF tokens)."""
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', html.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_a_second_store_of_a_summary_replaces_the_first_in_one_statement():
    version = data_version()
    key = stored.fingerprint("overdue", (TODAY, 1), version)
    actions.store_summary(name="overdue", fingerprint="older inputs", value=["old"], seconds=0.1)
    with CaptureQueriesContext(connection) as queries:
        actions.store_summary(name="overdue", fingerprint=key, value=["kept"], seconds=0.1)
    assert len(queries) == 1  # an upsert: two workers storing at once cannot collide
    assert StoredSummary.objects.filter(name="overdue").count() == 1
    assert stored_summary("overdue", key) == (True, ["kept"])
    assert stored_summary("overdue", "older inputs") == (False, None)


@pytest.mark.parametrize(
    ("username", "suffix", "stored_names"),
    [
        ("board", "", {"pcn_controlled:U84846:pcns"}),
        ("pcnlead", "", {"pcn_controlled:U84846:pcns", "pcn_controlled:U84846:practices", PRACTICES_CONTROLLED}),
        (
            "pcnlead",
            "?format=csv",
            {"pcn_controlled:U84846:pcns", "pcn_controlled:U84846:practices", PRACTICES_CONTROLLED},
        ),
        ("analyst", "", {"pcn_practices:U84846:exact"}),
        ("analyst", "?format=csv", {"pcn_practices:U84846:exact"}),
    ],
)
def test_a_pcn_page_from_its_stored_parts_is_the_page_from_the_whole_frames(
    role_client, monkeypatch, username, suffix, stored_names
):
    """A board member's PCN page, and a PCN lead's and an analyst's with its practices (and their downloads), read
    only what they show, stored per data version: the spine's controlled rows and the practices' part (funnels,
    table, matrix). The page is the one computed from the indicators' whole controlled frames, and a build after
    the cache empties neither reads those frames nor the practices' rows, nor computes a funnel."""
    client = role_client(username)
    url = reverse("dashboards:pcn", args=["U84846"]) + suffix
    whole = {}

    def from_whole_frames(data, shows_practices, version):
        whole["rows"] = pages.controlled_for(data.indicators, version)
        return whole["rows"]

    with monkeypatch.context() as patched:
        patched.setattr(pages, "pcn_controlled_rows", from_whole_frames)
        patched.setattr(pages, "stored_or_computed", lambda name, parts, compute, version: compute())
        cache.clear()
        expected = client.get(url)
    assert not StoredSummary.objects.filter(name__startswith="pcn_").exists()
    cache.clear()
    computed = client.get(url)  # computes what it shows and stores it
    names = set(StoredSummary.objects.filter(name__startswith="pcn_").values_list("name", flat=True))
    assert names == stored_names
    if username != "analyst":
        found, shown = stored_summary("pcn_controlled:U84846:pcns", _fingerprint("pcn_controlled:U84846:pcns"))
        assert found and 0 < len(shown) < len(whole["rows"]) / 10
    for name in names - {"pcn_controlled:U84846:pcns", "pcn_controlled:U84846:practices"}:
        found, part = stored_summary(name, _fingerprint(name))
        assert found and part.funnels and part.rows and part.matrix.rows  # the practices' part, not empty

    cache.clear()
    monkeypatch.setattr(pages, "controlled_for", _refusing("a PCN page built from stored rows read the whole frames"))
    monkeypatch.setattr(pages, "practices_part", _refusing("a PCN page computed its stored practices' part"))
    monkeypatch.setattr(PcnData, "practice_latest", property(_refusing("a PCN page read its practices' rows")))
    _assert_same_pages(expected, computed, client.get(url))


def _fingerprint(name: str) -> str:
    return stored.fingerprint(name, (), data_version())


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("board", "OUT5_ACSC_ADMISSIONS/"),
        ("board", "OUT5_ACSC_ADMISSIONS/U84846/"),
        ("pcnlead", "OUT5_ACSC_ADMISSIONS/U84846/data.csv"),
    ],
)
def test_an_indicator_page_from_its_stored_rows_is_the_page_from_the_whole_frame(
    role_client, monkeypatch, username, path
):
    """An indicator page under disclosure control (Harrow's, a PCN's, and a download) reads only the controlled
    rows it shows, stored per data version: the same page as from the indicator's whole frame, and a build after
    the cache empties does not read that frame."""
    client = role_client(username)
    url = f"/indicators/{path}"
    whole = {}

    def from_whole_frame(data, version):
        whole["rows"] = pages.controlled_observations(data.indicator, version)
        return whole["rows"]

    with monkeypatch.context() as patched:
        patched.setattr(pages, "indicator_controlled_rows", from_whole_frame)
        cache.clear()
        expected = client.get(url)
    cache.clear()
    computed = client.get(url)
    name = "indicator_controlled:OUT5_ACSC_ADMISSIONS:" + ("U84846" if "U84846" in path else "E09000015")
    found, shown = stored_summary(name, stored.fingerprint(name, (), data_version()))
    assert found and 0 < len(shown) < len(whole["rows"])

    cache.clear()
    refuse = _refusing("an indicator page built from stored rows read the whole frame")
    monkeypatch.setattr(pages, "controlled_observations", refuse)
    _assert_same_pages(expected, computed, client.get(url))


def test_summaries_of_earlier_data_versions_are_deleted_after_the_warm_up(monkeypatch):
    from dashboards import warm

    actions.store_summary(name="indicator_controlled:OUT1_TOOTH_DECAY:E84008", fingerprint="old", value=1, seconds=0)
    StoredSummary.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=5))
    monkeypatch.setattr(pages, "indicator", lambda *args, **kwargs: None)  # the rest of the warm-up, not its pages
    monkeypatch.setattr(pages, "pcn", lambda *args, **kwargs: None)
    warm.warm_pages()
    names = set(StoredSummary.objects.values_list("name", flat=True))
    assert names == SUMMARIES  # the overview's, computed now; the old page rows gone
