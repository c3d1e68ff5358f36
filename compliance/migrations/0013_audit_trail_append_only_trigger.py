"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE of the audit trail for every role.

A REVOKE does not bind a superuser or the table's owner (the role that migrates); a
trigger does, until someone deliberately disables it with ALTER TABLE, which the signed
hashes and the published head then reveal (`manage.py verify_audit`). ENABLE ALWAYS
keeps the triggers firing under `session_replication_role = replica` too. SQLite (the
demo) has no such trigger; the model refuses changes through the ORM there.
"""

from django.db import migrations

TABLE = "compliance_auditentry"

FORWARD = f"""
CREATE OR REPLACE FUNCTION compliance_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % is refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER compliance_auditentry_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION compliance_audit_append_only();
CREATE TRIGGER compliance_auditentry_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION compliance_audit_append_only();
ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER compliance_auditentry_append_only;
ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER compliance_auditentry_no_truncate;
"""

BACKWARD = f"""
DROP TRIGGER IF EXISTS compliance_auditentry_no_truncate ON {TABLE};
DROP TRIGGER IF EXISTS compliance_auditentry_append_only ON {TABLE};
DROP FUNCTION IF EXISTS compliance_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0012_sign_existing_audit_entries")]

    operations = [migrations.RunPython(forwards, backwards)]
