"""Create the round texts and statuses of every entry round that is not closed.

Rounds made before kpis 0007 got their text rows only when the round was saved again or
load_demo ran. This runs the same function the round uses (kpis.text_workflow.round_texts_ensure,
called by kpis.workflow.entry_rows_ensure) with this migration's historical models, so it keeps
working when the models change later. Existing rows are left as they are; closed rounds get no
rows (their years print the plan's own data, as before). Reversing deletes nothing: rows made
here may have been entered since.
"""

from django.db import migrations


def ensure_texts_of_open_rounds(apps, schema_editor):
    from kpis.text_workflow import round_texts_ensure

    EntryRound = apps.get_model("kpis", "EntryRound")
    for entry_round in EntryRound.objects.filter(closed_at__isnull=True).select_related("strategy"):
        round_texts_ensure(strategy=entry_round.strategy, fiscal_year=entry_round.fiscal_year, apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("kpis", "0008_plausibility"),
        ("plans", "0008_plausibility"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(ensure_texts_of_open_rounds, migrations.RunPython.noop),
    ]
