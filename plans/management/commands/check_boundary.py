"""`manage.py check_boundary`: list what cannot be placed in one municipality (plans.boundary_checks).

Exit status 0 and "no problems" when every account, directory mapping and plan row belongs to
one city; else the list and exit status 1 (e.g. after an upgrade, before the operator fixes
the accounts the migration could not place).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.boundary_checks import problems


class Command(BaseCommand):
    help = "List accounts, directory mappings and plan rows that cannot be placed in one municipality."

    def handle(self, *args, **options):
        found = problems()
        if not found:
            self.stdout.write(_("No problems: everything is placed in one municipality."))
            return
        for problem in found:
            self.stdout.write(f"- {problem}")
        raise CommandError(_("%(count)d problem(s) with the municipality boundary.") % {"count": len(found)},
                           returncode=1)
