"""Agreed extensions (issue 22); the report timing's labels say that "at the committee's
next session" is the app's reading."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0024_store_obligations_drop_display_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="dutyrule",
            name="anchor",
            field=models.CharField(
                choices=[
                    ("fiscal_year_start", "Start of the fiscal year (counted back)"),
                    ("month_end", "End of a month after the fiscal year (fixed date)"),
                    ("receipt", "Receipt of a document (without delay)"),
                    ("forwarding", "Forwarding to the Council (next committee session: the app's reading)"),
                ],
                max_length=24,
                verbose_name="anchor",
            ),
        ),
        migrations.AlterField(
            model_name="dutyrule",
            name="report_timing",
            field=models.CharField(
                choices=[
                    (
                        "next_session",
                        "By the end of the committee's next session (the app's reading: the bill sets no time)",
                    ),
                    ("fixed_date", "By a fixed date each year"),
                    ("business_days", "Within the grace in business days"),
                ],
                default="next_session",
                max_length=16,
                verbose_name="timing of the report",
            ),
        ),
        migrations.CreateModel(
            name="Extension",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("obligation_key", models.CharField(db_index=True, max_length=120, verbose_name="obligation")),
                ("extended_to", models.DateField(verbose_name="agreed date")),
                (
                    "basis",
                    models.TextField(
                        help_text="For example a clause of the funding agreement, or a Council decision.",
                        verbose_name="basis",
                    ),
                ),
                ("granted_by", models.CharField(max_length=200, verbose_name="granted by")),
                ("granted_on", models.DateField(verbose_name="granted on")),
                ("recorded_on", models.DateField(verbose_name="recorded on")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("withdrawn_on", models.DateField(blank=True, null=True, verbose_name="withdrawn on")),
                ("withdrawal_reason", models.TextField(blank=True, verbose_name="reason for the withdrawal")),
                (
                    "document",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="extensions",
                        to="compliance.document",
                        verbose_name="document",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "agreed extension",
                "verbose_name_plural": "agreed extensions",
                "ordering": ["obligation_key", "granted_on", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("obligation_key", "granted_on", "extended_to"), name="unique_extension_grant"
                    )
                ],
            },
        ),
    ]
