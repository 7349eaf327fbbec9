"""python manage.py import_plan FILE.xlsx: the same service as the upload page.

    import_plan FILE.xlsx [--strategy CODE] [--dry-run] [--create-missing]
                [--map-department '印字の名称=既存の名称'] [--map-category '分類: 観光=観光']
                [--map-basic-policy '印字=コード'] [--map-measure '01-01 / 1=コード']
                [--municipality CODE --municipality-name 名称 --title 題名] [--user USERNAME]

--dry-run prints the preview (what would be created, updated, unchanged per level, and
every problem) and stores nothing. Rows of a data export that were changed in dxplan after
the file was made (imports/conflicts.py) are listed as conflicts and skipped, with a summary
on stderr; the rest is imported. Without it the workbook is imported in one
transaction, or refused with the problems listed and nothing stored (exit status 1).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from imports.limits import max_bytes
from imports.plan import LEVELS
from imports.problems import ImportRefused
from imports.services import plan_import_apply, plan_import_preview
from plans.language import add_language_option
from plans.models import User

LEVEL_NAMES = {
    "municipality": gettext_noop("municipality"), "strategy": gettext_noop("strategy"),
    "department": gettext_noop("department"), "category_vocabulary": gettext_noop("kind of category"),
    "category": gettext_noop("category"), "basic_policy": gettext_noop("basic policy"), "measure": gettext_noop("measure"),
    "step": gettext_noop("step"), "project": gettext_noop("project"), "project_year": gettext_noop("project phase"),
    "indicator": gettext_noop("indicator"), "yearly_value": gettext_noop("yearly value"),
    "target_revision": gettext_noop("target revision"),
}


def _pairs(items: list[str], option: str) -> dict:
    mapping = {}
    for item in items or ():
        printed, sep, existing = item.rpartition("=")
        if not sep or not printed.strip() or not existing.strip():
            raise CommandError(_("%(option)s takes 'printed=existing': %(item)r") % {"option": option, "item": item})
        mapping[printed.strip()] = existing.strip()
    return mapping


class Command(BaseCommand):
    help = ("Import a plan from Excel (.xlsx: a project list, a KPI sheet or a dxplan data export); "
            "--dry-run only shows the preview.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the workbook (.xlsx)")
        parser.add_argument("--strategy", default="", help="code of the strategy to import into")
        parser.add_argument("--dry-run", action="store_true", help="show the preview, store nothing")
        parser.add_argument("--create-missing", action="store_true",
                            help="create departments, categories, levels (and the strategy) not found in dxplan")
        for kind in ("department", "category", "basic-policy", "measure"):
            parser.add_argument(f"--map-{kind}", action="append", default=[], metavar="PRINTED=EXISTING")
        parser.add_argument("--municipality", default="", help="municipality code, when the strategy is new")
        parser.add_argument("--municipality-name", default="")
        parser.add_argument("--title", default="", help="title, when the strategy is new")
        parser.add_argument("--user", default="", help="username the history records the changes under")
        add_language_option(parser)

    def handle(self, *args, **options):
        self.language = options["language"]
        with translation.override(self.language):
            self._handle(options)

    def _handle(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        if path.stat().st_size > max_bytes():
            raise CommandError(_("The file is over the size limit (%(mb)s MB).") % {"mb": max_bytes() // 1048576})
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No such user: %(user)s") % {"user": options["user"]})
        mapping = {kind.replace("-", "_"): _pairs(options[f"map_{kind.replace('-', '_')}"], f"--map-{kind}")
                   for kind in ("department", "category", "basic-policy", "measure")}
        arguments = {
            "data": path.read_bytes(), "file_name": path.name, "strategy_code": options["strategy"],
            "mapping": mapping, "create_missing": options["create_missing"],
            "new_strategy": {"municipality_code": options["municipality"], "municipality_name": options["municipality_name"],
                             "title": options["title"]},
        }
        try:
            if options["dry_run"]:
                preview = plan_import_preview(**arguments)
                self._report(preview.counts, preview.problems, preview.unknown)
                self._conflicts(preview.as_dict())
                undecided = [u for u in preview.unknown if not u.get("decision")]
                if undecided:
                    self.stderr.write(_("Some items are not in dxplan: create them (--create-missing) "
                                        "or map them (--map-...)."))
                if not preview.ok or undecided:
                    raise CommandError(_("The workbook has problems; it cannot be imported as is."))
                self.stdout.write(self.style.SUCCESS(_("Dry run (--dry-run): nothing was stored.")))
                return
            run = plan_import_apply(user=user, **arguments)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem.text(self.language))
            raise CommandError(_("Import refused; nothing was stored.")) from None
        self._report(run.counts, [], [])
        self._conflicts(run.preview)
        self.stdout.write(self.style.SUCCESS(
            _("Imported %(file)s: %(rows)s rows into %(strategy)s.")
            % {"file": run.file_name, "rows": run.rows, "strategy": run.strategy_code}))

    def _report(self, counts, problems, unknown):
        for level in LEVELS:
            if level in counts:
                row = counts[level]
                self.stdout.write("  " + _("%(level)s (%(key)s): created %(created)s, updated %(updated)s, "
                                           "unchanged %(unchanged)s")
                                  % {"level": _(LEVEL_NAMES[level]), "key": level, **row})
        for item in unknown:
            decision = item.get("decision") or _("undecided")
            self.stdout.write("  " + _("not in dxplan: %(kind)s 「%(printed)s」 → %(decision)s")
                              % {"kind": item["kind"], "printed": item["printed"], "decision": decision})
        for problem in problems:
            (self.stderr if problem.blocking else self.stdout).write(problem.text(self.language))

    def _conflicts(self, preview: dict):
        """Rows changed in dxplan since the file was made: listed, and said to be left as they are."""
        count = preview.get("conflict_count", 0)
        if not count:
            return
        for item in preview["conflicts"]:
            differences = "; ".join(_("%(field)s: file 「%(file)s」, dxplan 「%(stored)s」") % d
                                    for d in item["differences"])
            self.stdout.write(
                "  " + _("conflict") + f" {item['sheet']}!{item['row']} {item['indicator_code']} {item['fiscal_year']}: "
                f"{differences} (version {item['file_version']} → {item['stored_version']}, {item['status']}, "
                f"{item['updated_by'] or '?'} {item['updated_at']})")
        if count > len(preview["conflicts"]):
            self.stdout.write("  " + _("%(n)s more") % {"n": count - len(preview["conflicts"])})
        self.stderr.write(
            _("%(n)s rows changed in dxplan after the file was made were skipped and left as they are "
              "(check them against a new data export).") % {"n": count})
