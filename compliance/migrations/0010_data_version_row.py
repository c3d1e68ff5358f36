import uuid

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("compliance", "DataVersion").objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("compliance", "0009_data_version")]
    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
