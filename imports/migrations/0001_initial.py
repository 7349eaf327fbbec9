"""ImportRun, moved from the plans app: the table plans_importrun already exists."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('plans', '0005_move_import_run'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('file', models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='file')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='size (bytes)')),
                        ('format', models.CharField(blank=True, max_length=40, verbose_name='format')),
                        ('strategy_code', models.CharField(blank=True, max_length=40, verbose_name='strategy code')),
                        ('new_strategy', models.JSONField(blank=True, default=dict, help_text='Title and municipality when the import creates the strategy.', verbose_name='new strategy')),
                        ('status', models.CharField(choices=[('uploaded', 'Uploaded'), ('previewing', 'Checking'), ('previewed', 'Checked, waiting for confirmation'), ('refused', 'Refused'), ('applying', 'Importing'), ('applied', 'Imported'), ('failed', 'Failed')], db_index=True, default='uploaded', max_length=12, verbose_name='status')),
                        ('create_missing', models.BooleanField(default=False, verbose_name='create missing items')),
                        ('mapping', models.JSONField(blank=True, default=dict, help_text='{"department": {"printed name": "existing name"}, …}', verbose_name='mapping chosen')),
                        ('preview', models.JSONField(blank=True, default=dict, verbose_name='preview')),
                        ('counts', models.JSONField(blank=True, default=dict, help_text='Per level: created, updated, unchanged.', verbose_name='counts')),
                        ('problems', models.JSONField(blank=True, default=list, verbose_name='problems')),
                        ('rows', models.PositiveIntegerField(default=0, verbose_name='rows read')),
                        ('progress_done', models.PositiveIntegerField(default=0)),
                        ('progress_total', models.PositiveIntegerField(default=0)),
                        ('message', models.TextField(blank=True, verbose_name='message')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by')),
                        ('strategy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='import_runs', to='plans.strategy', verbose_name='strategy')),
                    ],
                    options={
                        'verbose_name': 'plan import',
                        'verbose_name_plural': 'plan imports',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'plans_importrun',
                    },
                ),
            ],
        ),
    ]
