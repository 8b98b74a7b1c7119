"""factory-boy factories: the few rows a database test needs, instead of the whole demo world.

Use them in tests marked ``@pytest.mark.world("empty")`` (tests/conftest.py). Each factory makes a valid row with
the fewest related rows: an observation makes its indicator, area and extract; a practice makes its PCN, borough
and country. Codes are sequences, so two calls never collide; pass real codes where a test reads them.

    harrow = factories.BoroughFactory(code="E09000015", name="Harrow")
    practice = factories.PracticeFactory(pcn__parent=harrow)      # with its membership of that PCN
    factories.ObservationFactory(indicator__unit="percent", area=practice, numerator=4, denominator=10)
    client.force_login(factories.UserFactory(role="analyst"))
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from outcomes.models import Area, Commentary, Extract, Indicator, Observation, PracticeMembership, Target
from workstreams.models import Milestone, Partner, Person, Risk, StatusReport, Workstream

D = dt.date


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = "E92000001"
    name = "England"
    level = "country"
    is_comparator = True


class BoroughFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E0990{n:04d}")
    name = factory.Sequence(lambda n: f"Borough {n}")
    level = "borough"
    parent = factory.SubFactory(CountryFactory)


class PcnFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PCN-{n:04d}")
    name = factory.Sequence(lambda n: f"PCN {n}")
    level = "pcn"
    parent = factory.SubFactory(BoroughFactory)


class PracticeFactory(DjangoModelFactory):
    """A GP practice and its open membership of ``pcn`` (from 2019-07-01, when PCNs began)."""

    class Meta:
        model = Area
        django_get_or_create = ("code",)
        exclude = ("pcn", "member_since")

    code = factory.Sequence(lambda n: f"Z{n:05d}")
    name = factory.Sequence(lambda n: f"Practice {n}")
    level = "practice"
    pcn = factory.SubFactory(PcnFactory)
    member_since = D(2019, 7, 1)
    parent = factory.SelfAttribute("pcn")
    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory",
        factory_related_name="practice",
        pcn=factory.SelfAttribute("..pcn"),
        start=factory.SelfAttribute("..member_since"),
    )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PracticeMembership

    practice = factory.SubFactory(PracticeFactory, membership=None)
    pcn = factory.SubFactory(PcnFactory)
    start = D(2019, 7, 1)
    end = None


class IndicatorFactory(DjangoModelFactory):
    """A monthly percentage at practice, PCN and borough level, higher is better, additive."""

    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST_INDICATOR_{n}")
    name = factory.Sequence(lambda n: f"Test indicator {n}")
    definition = "Share of the registered list with the thing measured."
    unit = "percent"
    multiplier = factory.LazyAttribute(lambda o: 100 if o.unit == "percent" else 1)
    decimal_places = 1
    polarity = "high_is_good"
    frequency = "monthly"
    interval_method = factory.LazyAttribute(lambda o: "wilson" if o.unit == "percent" else "none")
    levels = factory.LazyFunction(lambda: ["practice", "pcn", "borough"])
    breakdowns = factory.LazyFunction(list)
    is_additive = True
    source = "Test source"


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.SubFactory(BoroughFactory)
    kind = "absolute"
    value = 80.0
    due_date = D(2027, 3, 31)
    source_text = "Reach 80% by March 2027."


class ExtractFactory(DjangoModelFactory):
    class Meta:
        model = Extract

    file_name = factory.Sequence(lambda n: f"extract-{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    format = "generic"
    source = "command"
    status = "loaded"


class ObservationFactory(DjangoModelFactory):
    """One current headline row for a month (2026-01 unless given), with its numerator and denominator."""

    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.SubFactory(PracticeFactory)
    extract = factory.SubFactory(ExtractFactory)
    period_start = D(2026, 1, 1)
    period_end = factory.LazyAttribute(
        lambda o: (o.period_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    )
    numerator = 40.0
    denominator = 100.0
    value = factory.LazyAttribute(
        lambda o: None if o.numerator is None else o.numerator / o.denominator * o.indicator.multiplier
    )


class UserFactory(DjangoModelFactory):
    """A user with a role (``board``, ``analyst``, ``pcn_lead`` or ``admin``: harrow_bbp.access) and, for a PCN
    lead, the PCN whose practices they may see: ``UserFactory(role="pcn_lead", pcn=pcn)``."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("Correct-horse-battery-2026")

    @classmethod
    def _create(cls, model_class, *args, role: str = "board", pcn: Area | None = None, **kwargs):
        from django.contrib.auth.models import Group

        from harrow_bbp.models import Profile
        from harrow_bbp.roles import ensure_role_groups

        kwargs.setdefault("is_staff", role == "admin")
        kwargs.setdefault("is_superuser", role == "admin")
        user = super()._create(model_class, *args, **kwargs)
        if not Group.objects.filter(name=role).exists():
            ensure_role_groups()
        user.groups.set([Group.objects.get(name=role)])
        Profile.objects.update_or_create(user=user, defaults={"pcn": pcn})
        return user


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = "nhs_trust"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Director"
    partner = factory.SubFactory(PartnerFactory)


class WorkstreamFactory(DjangoModelFactory):
    class Meta:
        model = Workstream
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"workstream-{n}")
    name = factory.Sequence(lambda n: f"Workstream {n}")
    objective = 1
    description = "What the workstream does."
    sro = factory.SubFactory(PersonFactory)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due = D(2026, 12, 31)


class StatusReportFactory(DjangoModelFactory):
    class Meta:
        model = StatusReport

    workstream = factory.SubFactory(WorkstreamFactory)
    month = D(2026, 1, 1)
    rag = "green"
    achievements = "Did what was planned."
    next_steps = "Carry on."


class RiskFactory(DjangoModelFactory):
    class Meta:
        model = Risk
        django_get_or_create = ("reference",)

    reference = factory.Sequence(lambda n: f"R{n:03d}")
    title = factory.Sequence(lambda n: f"Risk {n}")
    description = "What could go wrong."
    workstream = factory.SubFactory(WorkstreamFactory)
    owner = factory.SubFactory(PersonFactory)
    likelihood = 3
    impact = 4
    target_likelihood = 2
    target_impact = 2
    review_date = D(2026, 3, 31)
    opened_on = D(2025, 4, 1)


class CommentaryFactory(DjangoModelFactory):
    class Meta:
        model = Commentary

    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.SubFactory(BoroughFactory)
    period_end = D(2026, 1, 31)
    text = "Rising since the new pathway began."
