"""python manage.py build_report --fiscal-year 2025 --output FILE.xlsx [--strategy CODE] [--kind report|data]
[--format xlsx|csv] [--basic-policy CODE | --department NAME] [--as-of YYYY-MM-DD] [--draft] [--pdf FILE.pdf]

Runs the same service as the Celery task (the job is recorded like one started from the page),
in this process, then copies the stored file to --output.
"""

import datetime
import shutil

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from plans.fiscal_years import FiscalYearError, parse_fiscal_year
from plans.language import add_language_option, fiscal_year_label
from plans.models import BasicPolicy, Department, Strategy
from reports import jobs, services
from reports.models import JobStatus, ReportFormat, ReportKind


class Command(BaseCommand):
    help = "Build the annual progress report (or the data export) of a strategy for one fiscal year."

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", required=True, help="2025, 令和7年度, R7 or FY2025")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--strategy", help="strategy code (may be omitted when there is only one)")
        parser.add_argument("--kind", choices=ReportKind.values, default=ReportKind.REPORT)
        parser.add_argument("--format", dest="file_format", choices=ReportFormat.values, default=ReportFormat.XLSX)
        parser.add_argument("--basic-policy", help="code of the one basic policy to report on")
        parser.add_argument("--department", help="name of the one department whose indicators to report on")
        parser.add_argument("--as-of", help="the report prints what was approved by the end of this day, "
                                            "YYYY-MM-DD (default: today)")
        parser.add_argument("--draft", action="store_true",
                            help="draft for checking: the latest entered values, approved or not, marked 案")
        parser.add_argument("--pdf", help="also print the report to this PDF file (needs LibreOffice)")
        add_language_option(parser)

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options):
        try:
            fiscal_year = parse_fiscal_year(options["fiscal_year"])
        except FiscalYearError as error:
            raise CommandError(error.message(options["language"])) from None
        strategy = self._strategy(options["strategy"])
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(_("--as-of must be YYYY-MM-DD: %(value)r") % {"value": options["as_of"]}) from None
        basic_policy = department = None
        if options["basic_policy"]:
            basic_policy = BasicPolicy.objects.filter(strategy=strategy, code=options["basic_policy"]).first()
            if basic_policy is None:
                raise CommandError(_("No basic policy %(code)r in %(strategy)s.")
                                   % {"code": options["basic_policy"], "strategy": strategy.code})
        if options["department"]:
            department = Department.objects.filter(
                municipality=strategy.municipality, name=options["department"]).first()
            if department is None:
                raise CommandError(_("No department %(name)r in %(municipality)s.")
                                   % {"name": options["department"], "municipality": strategy.municipality})
        try:
            job = services.report_job_create(
                user=None, strategy=strategy, fiscal_year=fiscal_year, kind=options["kind"],
                file_format=options["file_format"], basic_policy=basic_policy, department=department,
                as_of=as_of, draft=options["draft"], enqueue=False, with_pdf=bool(options["pdf"]),
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        job = jobs.report_job_run(job_id=job.pk)
        if job.status != JobStatus.DONE:
            raise CommandError(job.shown_message or job.get_status_display())
        with job.file.open("rb") as source, open(options["output"], "wb") as target:
            shutil.copyfileobj(source, target)
        if options["pdf"]:
            if not job.pdf_file:  # the workbook is written; say why the PDF is not
                raise CommandError(job.shown_message)
            with job.pdf_file.open("rb") as source, open(options["pdf"], "wb") as target:
                shutil.copyfileobj(source, target)
        took = job.duration.total_seconds() if job.duration else 0
        self.stdout.write(f"{strategy.title} {fiscal_year_label(fiscal_year)}: {options['output']} ({took:.1f} s)")

    def _strategy(self, code):
        if code:
            strategy = Strategy.objects.select_related("municipality").filter(code=code).first()
            if strategy is None:
                raise CommandError(_("No strategy %(code)r.") % {"code": code})
            return strategy
        strategies = list(Strategy.objects.select_related("municipality")[:2])
        if len(strategies) != 1:
            codes = ", ".join(Strategy.objects.values_list("code", flat=True))
            raise CommandError(_("Give --strategy (one of: %(codes)s).") % {"codes": codes})
        return strategies[0]
