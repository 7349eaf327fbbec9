"""The two cities of the boundary tests of reports, imports and publishing (plans.boundary).

City A is Sasebo (carol, dave, alice, erin: DX office, administrator, staff, viewer), city B
is Nagasaki (nina, nora, ned). `CITIES` gives each city its roles and the plan a test acts
on; `other_objects` the ids of the other city's plan, basic policy, measure, project,
indicator and department; `markers` the texts (titles, codes) that must never reach a
user of the other city; `snapshot` the rows the refused actions must leave as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from imports.models import ImportRun
from kpis.models import EntryRound, Indicator, YearlyValue
from plans.models import BasicPolicy, Department, Measure, Strategy
from projects.models import Project
from public.models import Publication, PublicJob
from reports.models import ReportJob


@dataclass(frozen=True)
class City:
    code: str  # municipality code
    strategy: str  # the plan the tests act on
    roles: tuple[str, ...]  # its users, DX office and administrator first
    dx_office: str
    admin: str


SASEBO = City("sasebo", "sasebo-dx", ("carol", "dave", "alice", "erin"), "carol", "dave")
NAGASAKI = City("nagasaki", "nagasaki-h", ("nina", "nora", "ned"), "nina", "nora")
CITIES = {"sasebo": SASEBO, "nagasaki": NAGASAKI}
OTHER = {"sasebo": NAGASAKI, "nagasaki": SASEBO}
# Every (user, their city, the other city) pair of the matrix: A against B and B against A.
PAIRS = [(user, SASEBO, NAGASAKI) for user in SASEBO.roles] + [(user, NAGASAKI, SASEBO) for user in NAGASAKI.roles]
WRITERS = {"carol", "dave", "nina", "nora"}  # the DX office and administrators of each city


def other_objects(city: City) -> dict:
    """Ids of objects of `city`'s plan, for URLs that a user of another city guesses."""
    strategy = Strategy.objects.get(code=city.strategy)
    measure = Measure.objects.filter(basic_policy__strategy=strategy).order_by("pk").first()
    project = Project.objects.filter(strategy__municipality=strategy.municipality).order_by("pk").first()
    return {
        "code": strategy.code,
        "policy": BasicPolicy.objects.filter(strategy=strategy).order_by("pk").first().pk,
        "measure": measure.pk if measure else 0,
        "project": project.pk if project else 0,
        "indicator": Indicator.objects.filter(strategy=strategy).order_by("pk").first().pk,
        "department": Department.objects.filter(municipality=strategy.municipality).order_by("pk").first().pk,
    }


def markers(city: City) -> list[str]:
    """Texts of `city` no user of another city may see: its plans' titles and codes."""
    return [text for pair in Strategy.objects.filter(municipality__code=city.code).values_list("title", "code")
            for text in pair]


def leaked(body: str, city: City, *, asked: str = "") -> list[str]:
    """The markers of `city` in `body`; the path the user `asked` for (which a 404 page may
    repeat, with the code the user typed) is not the server's to leak."""
    body = body.replace(asked, "") if asked else body
    return [text for text in markers(city) if text in body]


def snapshot() -> tuple:
    """The rows the refused actions could change: jobs, runs, publications, rounds, values, plans."""
    return (
        list(ReportJob.objects.order_by("pk").values_list("pk", "status", "strategy_id", "requested_by_id", "file")),
        list(ImportRun.objects.order_by("pk").values_list("pk", "status", "strategy_id", "municipality_id")),
        list(Publication.objects.order_by("pk").values_list("pk", "status", "strategy_id", "fiscal_year")),
        list(PublicJob.objects.order_by("pk").values_list("pk", "status", "strategy_id", "kind")),
        list(EntryRound.objects.order_by("pk").values_list("pk", "closed_at")),
        list(Strategy.objects.order_by("pk").values_list("pk", "code", "title", "municipality_id")),
        YearlyValue.objects.count(),
        list(YearlyValue.objects.filter(indicator__strategy__municipality__code__in=["sasebo", "nagasaki"])
             .order_by("pk").values_list("pk", "status", "planned_number", "actual_number")[:5000]),
        Project.objects.count(), Indicator.objects.count(),
    )
