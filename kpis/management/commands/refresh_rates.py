"""python manage.py refresh_rates [--check]: recompute the stored achievement rates.

The services keep YearlyValue.rate current; this is for after a repair made directly
in the database. --check only reports (exit status 1 when any rate is stale)."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from kpis.models import refresh_rates, stale_rates


class Command(BaseCommand):
    help = "保存済みの達成率を再計算します（--check は確認のみ）。 / Recompute the stored achievement rates."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="確認のみ。古い達成率があれば終了コード 1。")

    def handle(self, *args, check=False, **options):
        if check:
            stale = stale_rates()
            for pk, stored, computed in stale[:20]:
                self.stdout.write(f"  YearlyValue {pk}: 保存値 {stored} / 再計算 {computed}")
            if stale:
                self.stdout.write(self.style.ERROR(
                    f"達成率が古い実績値が {len(stale)} 件あります。 / {len(stale)} stored rates are stale."))
                sys.exit(1)
            self.stdout.write(self.style.SUCCESS("達成率はすべて最新です。 / Every stored rate is current."))
            return
        with transaction.atomic():
            changed = refresh_rates()
        self.stdout.write(self.style.SUCCESS(f"達成率を {changed} 件更新しました。 / {changed} rates updated."))
