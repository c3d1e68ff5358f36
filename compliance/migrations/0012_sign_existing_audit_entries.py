"""Sign the entries recorded before signatures existed, once, before the trigger of 0013
freezes the table. Only an intact chain is signed: entries of a chain that is already
broken stay unsigned, and `verify_audit` keeps reporting where it broke."""

from django.db import migrations


def forwards(apps, schema_editor):
    from compliance import audit

    AuditEntry = apps.get_model("compliance", "AuditEntry")
    entries = list(AuditEntry.objects.order_by("seq"))
    if not entries or audit.verify(entries, check_signatures=False) is not None:
        return
    for entry in entries:
        entry.signature = audit.sign(entry.entry_hash)
    AuditEntry.objects.bulk_update(entries, ["signature"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0011_audit_signature_and_actor_kept")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
