"""Every page of the app by URL name, with the paths a test opens for it (issue 15: axe on
every page, for every role that can open it).

`page_paths()` answers each named URL pattern of our apps with one or more paths built from
the demo data, or says in NOT_PAGES why it is not a page one looks at (a POST action, a
download, a redirect). tests/browser/test_url_conf_pages.py checks that every pattern of the
URL conf is in one of them, so a new page cannot miss the accessibility walk.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# Django's own apps and the API are not pages of ours: the admin is Django's (its markup is
# not ours to fix), /api/ answers JSON and its docs are Swagger UI's.
FOREIGN_PREFIXES = ("admin/", "api/")

NOT_PAGES = {
    "favicon.ico": "a redirect to the static icon",
    "entry:current": "a redirect to the current round's page (its targets are walked)",
    "entry:save-row": "POST only (the grid's row save)",
    "entry:submit": "POST only",
    "entry:approve": "POST only",
    "reports:create": "POST only",
    "reports:retry": "POST only",
    "reports:status": "a table row of /reports/, polled by its script (walked as part of /reports/, where the job is listed)",
    "reports:download": "a file download",
    "reports:download-pdf": "a file download",
    "imports:template": "a file download",
    "imports:confirm": "POST only",
    "imports:cancel": "POST only",
    "logout": "POST only",
    "entry:text-save": "POST only (a text's save on the grid)",
    "entry:text-submit": "POST only",
    "entry:text-approve": "POST only",
    "public:publish": "POST only",
    "public:export-request": "POST only",
    "public:job-row": "a table row of the publishing page, polled by its script (walked as part of public:manage)",
    "public:export-download": "a file download (zip)",
    "public:withdraw": "POST only",
    "public:latest": "a redirect to the latest published year's page (walked)",
    "public:download": "a file download (CSV or JSON)",
    "public:public/^(?P<rest>.*)$": "the public 404 for any other path under /public/",
    "set_language": "POST only (the language switch)",
}


def url_names() -> set[str]:
    """Every named URL pattern outside FOREIGN_PREFIXES, as namespace:name."""
    names = set()

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                route = prefix + str(pattern.pattern)
                if route.startswith(FOREIGN_PREFIXES):
                    continue
                walk(pattern.url_patterns, route, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if not route.startswith(FOREIGN_PREFIXES):
                    names.add(namespace + (pattern.name or route))

    walk(get_resolver().url_patterns)
    return names


def page_paths(*, staff) -> dict[str, list[str]]:
    """URL name → the paths to open, over the Sasebo demo (FY2024 has the open entry round).
    Makes the few rows a page needs (a submitted and an approved value, a closed round, a
    report job and an import run), so every form page has something to show."""
    from django.urls import reverse

    from imports.models import ImportRun
    from kpis.models import EntryRound, EntryStatus, Indicator, RoundText, YearlyValue
    from plans.models import BasicPolicy, Department, Strategy
    from public.models import PublicJob, PublicJobKind
    from public.services import publication_publish
    from reports.models import JobStatus, ReportJob

    sasebo = Strategy.objects.get(code="sasebo-dx")
    fy = 2024
    tourism = Department.objects.get(municipality__code="sasebo", name="観光商工部")
    rows = YearlyValue.objects.filter(indicator__strategy=sasebo, fiscal_year=fy,
                                      indicator__responsible_department=tourism).order_by("pk")
    submitted, approved = rows[0], rows[1]
    YearlyValue.objects.filter(pk=submitted.pk).update(status=EntryStatus.SUBMITTED, actual_state="number",
                                                         actual_number=1, actual_places=0)
    YearlyValue.objects.filter(pk=approved.pk).update(status=EntryStatus.APPROVED, actual_state="number",
                                                        actual_number=1, actual_places=0)
    closed = EntryRound.objects.filter(strategy=sasebo).exclude(fiscal_year=fy).first()
    if closed is None:
        closed = EntryRound.objects.create(strategy=sasebo, fiscal_year=fy - 1, opens_at=_now(), deadline=_now(),
                                           closed_at=_now())
    elif closed.closed_at is None:
        EntryRound.objects.filter(pk=closed.pk).update(closed_at=_now())
    ReportJob.objects.create(requested_by=staff, strategy=sasebo, fiscal_year=fy, as_of=_now().date())
    run = ImportRun.objects.create(created_by=staff, file_name="計画.xlsx", sha256="0" * 64, strategy=sasebo,
                                   strategy_code=sasebo.code, status=ImportRun.Status.REFUSED,
                                   problems=[{"sheet": "KPI", "row": 3, "message": "例"}])
    # the tourism department's, so that its manager (bob) may return the submitted one
    texts = RoundText.objects.filter(strategy=sasebo, fiscal_year=fy, department=tourism).order_by("pk")
    submitted_text, approved_text = texts[0], texts[1]
    RoundText.objects.filter(pk=submitted_text.pk).update(status=EntryStatus.SUBMITTED, text="年度の目標")
    RoundText.objects.filter(pk=approved_text.pk).update(status=EntryStatus.APPROVED, text="事業総括")
    publication = publication_publish(user=staff, strategy=sasebo, fiscal_year=closed.fiscal_year)
    # The publishing page's job rows: a publication done, an export running (its row polls)
    PublicJob.objects.create(strategy=sasebo, kind=PublicJobKind.PUBLISH, requested_by=staff,
                             fiscal_year=closed.fiscal_year, publication=publication, status=JobStatus.DONE,
                             progress=100)
    PublicJob.objects.create(strategy=sasebo, kind=PublicJobKind.EXPORT, requested_by=staff,
                             status=JobStatus.RUNNING, progress=40)
    indicator = Indicator.objects.filter(strategy=sasebo, values__isnull=False).order_by("pk").first()
    policy = BasicPolicy.objects.filter(strategy=sasebo).order_by("order").first()
    measure = policy.measures.order_by("order").first()
    step = measure.steps.order_by("order").first()
    project = sasebo.projects.order_by("order").first()
    board = dict(code=sasebo.code)
    round_args = dict(strategy=sasebo.code, fiscal_year=fy)
    return {
        "home": [reverse("home"), reverse("home") + "?list=1"],
        "plan-tree": [reverse("plan-tree", args=[sasebo.code])],
        "login": [reverse("login")],
        "entry:index": [reverse("entry:index")],
        "entry:grid": [reverse("entry:grid", kwargs=round_args)],
        "entry:review": [reverse("entry:review", kwargs=round_args)],
        "entry:tracker": [reverse("entry:tracker", kwargs=round_args)],
        "entry:department-history": [reverse("entry:department-history", kwargs=round_args)],
        "entry:return": [reverse("entry:return", args=[submitted.pk])],
        "entry:revise-target": [reverse("entry:revise-target", args=[submitted.pk])],
        "entry:reopen-value": [reverse("entry:reopen-value", args=[approved.pk])],
        "entry:indicator-history": [reverse("entry:indicator-history", args=[submitted.indicator_id])],
        "entry:rounds": [reverse("entry:rounds")],
        "entry:round-new": [reverse("entry:round-new", args=[sasebo.code])],
        "entry:round-edit": [reverse("entry:round-edit", kwargs=round_args)],
        "entry:round-close": [reverse("entry:round-close", kwargs=round_args)],
        "entry:round-reopen": [reverse("entry:round-reopen", kwargs=dict(strategy=sasebo.code,
                                                                         fiscal_year=closed.fiscal_year))],
        "dashboards:index": [reverse("dashboards:index")],
        "dashboards:cities": [reverse("dashboards:cities"), reverse("dashboards:cities") + "?all=1"],
        "dashboards:overview": [reverse("dashboards:overview", kwargs=board),
                                reverse("dashboards:overview", kwargs=board) + "?fy=2023"],
        "dashboards:compare": [reverse("dashboards:compare", kwargs=board) + "?fy=2023&fy2=2022"],
        "dashboards:indicators": [reverse("dashboards:indicators", kwargs=board) + "?fy=2023"],
        "dashboards:indicator": [reverse("dashboards:indicator", kwargs=dict(board, pk=indicator.pk)) + "?fy=2023"],
        "dashboards:policy": [reverse("dashboards:policy", kwargs=dict(board, pk=policy.pk)) + "?fy=2023"],
        "dashboards:measure": [reverse("dashboards:measure", kwargs=dict(board, pk=measure.pk)) + "?fy=2023"],
        "dashboards:step": [reverse("dashboards:step", kwargs=dict(board, pk=step.pk)) + "?fy=2023"],
        "dashboards:project": [reverse("dashboards:project", kwargs=dict(board, pk=project.pk)) + "?fy=2023"],
        "dashboards:roadmap": [reverse("dashboards:roadmap", kwargs=board)],
        "dashboards:department": [reverse("dashboards:department", kwargs=dict(board, pk=tourism.pk)) + "?fy=2023"],
        "reports:index": [reverse("reports:index")],
        "imports:upload": [reverse("imports:upload")],
        "imports:detail": [reverse("imports:detail", args=[run.pk])],
        "entry:text-return": [reverse("entry:text-return", args=[submitted_text.pk])],
        "entry:text-reopen": [reverse("entry:text-reopen", args=[approved_text.pk])],
        "public:manage-index": [reverse("public:manage-index")],
        "public:manage": [reverse("public:manage", args=[sasebo.code])],
        "public:preview": [reverse("public:preview", args=[sasebo.code, publication.fiscal_year])],
        "public:page": [reverse("public:page", args=[sasebo.municipality.code, sasebo.code, publication.fiscal_year]),
                        reverse("public:page", args=[sasebo.municipality.code, sasebo.code,
                                                     publication.fiscal_year]) + "?lang=en"],
    }


def _now():
    from django.utils import timezone

    return timezone.now()
