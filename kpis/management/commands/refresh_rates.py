"""python manage.py refresh_rates [--check]: recompute the stored achievement rates.

The services keep YearlyValue.rate current; this is for after a repair made directly
in the database. --check only reports (exit status 1 when any rate is stale)."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kpis.models import refresh_rates, stale_rates
from plans.language import add_language_option


class Command(BaseCommand):
    help = "Recompute the stored achievement rates (--check only reports)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report; exit status 1 if any rate is stale")
        add_language_option(parser)

    def handle(self, *args, check=False, **options):
        with translation.override(options["language"]):
            self._handle(check)

    def _handle(self, check):
        if check:
            stale = stale_rates()
            for pk, stored, computed in stale[:20]:
                self.stdout.write("  " + _("YearlyValue %(pk)s: stored %(stored)s, recomputed %(computed)s")
                                  % {"pk": pk, "stored": stored, "computed": computed})
            if stale:
                self.stdout.write(self.style.ERROR(
                    _("%(n)s stored rates are stale.") % {"n": len(stale)}))
                sys.exit(1)
            self.stdout.write(self.style.SUCCESS(_("Every stored rate is current.")))
            return
        with transaction.atomic():
            changed = refresh_rates()
        self.stdout.write(self.style.SUCCESS(_("%(n)s rates updated.") % {"n": changed}))
