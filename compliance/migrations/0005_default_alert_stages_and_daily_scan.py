from django.db import migrations


def forwards(apps, schema_editor):
    from compliance.alert_schedule import ensure_defaults

    ensure_defaults(
        apps.get_model("compliance", "AlertStage"),
        apps.get_model("django_celery_beat", "CrontabSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTask"),
    )


def backwards(apps, schema_editor):
    from compliance.alert_schedule import SCAN_TASK_NAME

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCAN_TASK_NAME).delete()
    apps.get_model("compliance", "AlertStage").objects.filter(duty_rule__isnull=True, deliveries=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0004_alert_stages_deliveries_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
