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

from imports.limits import max_bytes
from imports.plan import LEVELS
from imports.problems import ImportRefused
from imports.services import plan_import_apply, plan_import_preview
from plans.models import User

LEVEL_NAMES = {
    "municipality": "自治体", "strategy": "計画・戦略", "department": "部局・課", "category_vocabulary": "分類の種類",
    "category": "分類", "basic_policy": "基本方針", "measure": "施策", "step": "ステップ", "project": "事業",
    "project_year": "事業の工程", "indicator": "指標", "yearly_value": "年度の値", "target_revision": "目標値の修正",
}


def _pairs(items: list[str], option: str) -> dict:
    mapping = {}
    for item in items or ():
        printed, sep, existing = item.rpartition("=")
        if not sep or not printed.strip() or not existing.strip():
            raise CommandError(f"{option} は '印字の名称=既存の名称' の形で指定してください: {item!r} / "
                               f"{option} takes 'printed=existing': {item!r}")
        mapping[printed.strip()] = existing.strip()
    return mapping


class Command(BaseCommand):
    help = "Excel（.xlsx）の計画を取り込みます（事業一覧・KPIシート・dxplan のデータ出力）。--dry-run で確認のみ。"

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

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path} / No such file: {path}")
        if path.stat().st_size > max_bytes():
            raise CommandError(f"ファイルが大きすぎます（上限 {max_bytes() // 1048576} MB） / File over the size limit")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"ユーザーがいません: {options['user']} / No such user")
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
                    self.stderr.write("dxplan にないものがあります。--create-missing で作成するか --map-... で既存のものに対応付けてください。"
                                      " / Some items are not in dxplan: create them (--create-missing) or map them (--map-...).")
                if not preview.ok or undecided:
                    raise CommandError("問題があるため、このままでは取り込めません。 / The workbook has problems; it cannot be imported as is.")
                self.stdout.write(self.style.SUCCESS("確認のみ（--dry-run）: 何も保存していません。 / Dry run: nothing was stored."))
                return
            run = plan_import_apply(user=user, **arguments)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem.text())
            raise CommandError("取り込みを中止しました。何も保存していません。 / Import refused; nothing was stored.") from None
        self._report(run.counts, [], [])
        self._conflicts(run.preview)
        self.stdout.write(self.style.SUCCESS(
            f"取り込みました: {run.file_name}（{run.strategy_code}、{run.rows} 行） / Imported {run.rows} rows into {run.strategy_code}."))

    def _report(self, counts, problems, unknown):
        for level in LEVELS:
            if level in counts:
                row = counts[level]
                self.stdout.write(f"  {LEVEL_NAMES[level]} ({level}): 作成 {row['created']}, 更新 {row['updated']}, "
                                  f"変更なし {row['unchanged']}")
        for item in unknown:
            decision = item.get("decision") or "未決定 / undecided"
            self.stdout.write(f"  dxplan にないもの / not in dxplan: {item['kind']} 「{item['printed']}」 → {decision}")
        for problem in problems:
            (self.stderr if problem.blocking else self.stdout).write(problem.text())

    def _conflicts(self, preview: dict):
        """Rows changed in dxplan since the file was made: listed, and said to be left as they are."""
        count = preview.get("conflict_count", 0)
        if not count:
            return
        for item in preview["conflicts"]:
            differences = "; ".join(f"{d['field']}: ファイル / file 「{d['file']}」, dxplan 「{d['stored']}」"
                                    for d in item["differences"])
            self.stdout.write(
                f"  競合 / conflict {item['sheet']}!{item['row']} {item['indicator_code']} {item['fiscal_year']}: "
                f"{differences} (version {item['file_version']} → {item['stored_version']}, {item['status']}, "
                f"{item['updated_by'] or '?'} {item['updated_at']})")
        if count > len(preview["conflicts"]):
            self.stdout.write(f"  ほかに {count - len(preview['conflicts'])} 件 / {count - len(preview['conflicts'])} more")
        self.stderr.write(
            f"ファイルの作成後に dxplan で変更された {count} 行は取り込まず、そのままにしました（新しいデータ出力で確認してください）。"
            f" / {count} rows changed in dxplan after the file was made were skipped and left as they are "
            "(check them against a new data export).")
