"""python manage.py load_demo: thin wrapper around imports.demo.load_demo."""

from django.core.management.base import BaseCommand

from imports.demo import load_demo


class Command(BaseCommand):
    help = "デモデータ（佐世保市・長崎市・都城市の計画とデモユーザー）を読み込みます。何度実行しても結果は同じです。"

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        counts = load_demo(stdout=self.stdout if verbosity >= 2 else None)
        if verbosity >= 2:
            for label, row in counts.items():
                self.stdout.write(
                    f"  {label}: 作成 {row['created']} 件, 更新 {row['updated']} 件, 変更なし {row['unchanged']} 件"
                )
        if verbosity >= 1:
            total = {status: sum(row[status] for row in counts.values())
                     for status in ("created", "updated", "unchanged")}
            self.stdout.write(self.style.SUCCESS(
                f"デモデータを読み込みました: 作成 {total['created']} 件, 更新 {total['updated']} 件, "
                f"変更なし {total['unchanged']} 件"
            ))
