"""ImportRun moves to the imports app; its table stays (state only)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0004_import_run'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportRun')],
        ),
    ]
