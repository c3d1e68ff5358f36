"""Issue 25's schema: where the audit trail's published heads are recorded in the
database, so that head files deleted with the trail are reported, not taken for "nothing
published"; and the language of each background import, which reports in it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0025_agreed_extensions_and_report_timing_reading"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditHeadPublication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(unique=True, verbose_name="head number")),
                ("seq", models.PositiveBigIntegerField(verbose_name="sequence")),
                ("entry_hash", models.CharField(max_length=64)),
                ("key_id", models.CharField(max_length=16, verbose_name="audit key id")),
                ("file_name", models.CharField(max_length=120, verbose_name="file")),
                ("published_at", models.DateTimeField(verbose_name="published at")),
            ],
            options={
                "verbose_name": "published audit head",
                "verbose_name_plural": "published audit heads",
                "ordering": ["number"],
            },
        ),
        # The language the requester asked in: a background import reports in it.
        migrations.AddField(
            model_name="importjob",
            name="language",
            field=models.CharField(default="ko", max_length=8, verbose_name="language"),
        ),
    ]
