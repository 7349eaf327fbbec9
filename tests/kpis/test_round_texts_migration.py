"""kpis 0009: the text rows of rounds that existed before the texts, made by the migration with
its historical models (the same kpis.text_workflow.round_texts_ensure the round uses).

Demo data: Sasebo's open round is 令和6年度 (FY2024)."""

from importlib import import_module

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kpis.models import EntryRound, RoundText

MIGRATION = ("kpis", "0009_round_texts_of_open_rounds")
FY = 2024


def _run_migration():
    state = MigrationExecutor(connection).loader.project_state(MIGRATION, at_end=False)
    import_module(f"kpis.migrations.{MIGRATION[1]}").ensure_texts_of_open_rounds(state.apps, None)


def test_the_migration_makes_the_texts_of_open_rounds_only(sasebo):
    made = set(RoundText.objects.filter(strategy=sasebo, fiscal_year=FY).values_list(
        "basic_policy_id", "measure_id", "step_id", "project_id", "kind", "department_id", "text", "choice"))
    assert made
    closed = EntryRound.objects.create(strategy=sasebo, fiscal_year=FY - 1, opens_at=timezone.now(),
                                       deadline=timezone.now(), closed_at=timezone.now())
    RoundText.objects.filter(strategy=sasebo, fiscal_year__in=[FY, closed.fiscal_year]).delete()
    kept = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY).count()

    _run_migration()

    rows = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY)
    assert kept == 0 and set(rows.values_list(
        "basic_policy_id", "measure_id", "step_id", "project_id", "kind", "department_id", "text", "choice")) == made
    assert not RoundText.objects.filter(strategy=sasebo, fiscal_year=closed.fiscal_year).exists()


def test_the_migration_leaves_existing_rows_as_they_are(sasebo):
    text = RoundText.objects.filter(strategy=sasebo, fiscal_year=FY).first()
    RoundText.objects.filter(pk=text.pk).update(text="入力済みの文章", version=3)
    count = RoundText.objects.count()
    _run_migration()
    assert RoundText.objects.count() == count
    text.refresh_from_db()
    assert (text.text, text.version) == ("入力済みの文章", 3)
