"""Start each year's receipt counter after the highest WEGO-YYYY-NNNN already recorded."""

import re

from django.db import migrations

NUMBER = re.compile(r"^WEGO-(\d{4})-(\d+)$")


def forwards(apps, schema_editor):
    Submission = apps.get_model("compliance", "Submission")
    ReceiptCounter = apps.get_model("compliance", "ReceiptCounter")
    highest = {}
    for number in Submission.objects.exclude(receipt_number=None).values_list("receipt_number", flat=True):
        match = NUMBER.match(number)
        if match:
            year, n = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), n)
    for year, last in highest.items():
        counter, _created = ReceiptCounter.objects.get_or_create(year=year)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0007_receipt_counter")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
