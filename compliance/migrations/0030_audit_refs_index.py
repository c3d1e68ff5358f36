"""On PostgreSQL, index the audit trail by the tokens each entry names.

An obligation page and the inbox ask which entries name any of their documents'
tokens (`AuditEntryQuerySet.touching`: `string_to_array(refs, ' ') && tokens`). Without
an index on that very expression every view read the whole trail, which grows with every
write. A GIN index on it answers the overlap from the index. SQLite (the demo) keeps its
LIKE scan.
"""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS compliance_auditentry_refs_tokens "
    "ON compliance_auditentry USING gin (string_to_array(refs, ' '))"
)
BACKWARD = "DROP INDEX IF EXISTS compliance_auditentry_refs_tokens"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0029_stored_target")]
    operations = [migrations.RunPython(forwards, backwards)]
