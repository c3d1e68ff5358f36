"""The display version: a token that changes with every write to a table a page may show.

Kept by database triggers, not model signals, so that every write changes it: bulk
creates and updates, `QuerySet.update()`, deletes, raw SQL and truncation included.
The pages' cached fragments (`compliance.fragments`) are keyed by it.

A table added later gets its trigger from its own migration (`add_display_triggers`);
`tests/test_fragments.py` fails for a table of this app that has none and is not in
`compliance.fragments.NOT_SHOWN`.
"""

import uuid

from django.db import migrations, models

# Tables written often that no cached fragment shows (compliance.fragments.NOT_SHOWN
# names the same models): writing them leaves the cached pages alone.
NOT_SHOWN = {
    "compliance_dataversion",
    "compliance_alertdelivery",
    "compliance_alertscan",
    "compliance_alertpreference",
    "compliance_notification",
    "compliance_apitoken",
    "compliance_auditentry",
    "compliance_importjob",
    "compliance_packetbuild",
    "compliance_readlogentry",
    "compliance_receiptemail",
    "compliance_formtoken",
}
EXTRA_SHOWN = ["auth_user"]  # names of who submitted, received, reviewed

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION wego_display_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE compliance_dataversion SET display_token = md5(random()::text || clock_timestamp()::text) WHERE id = 1;
    RETURN NULL;
END $$;
"""


def shown_tables(apps):
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("compliance").get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return sorted({t for t in tables if t not in NOT_SHOWN} | set(EXTRA_SHOWN))


def add_display_triggers(schema_editor, tables):
    """Create the display-version trigger on `tables` (PostgreSQL: one per statement; SQLite: per row)."""
    quote = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS wego_display_changed ON {quote(table)}")
            schema_editor.execute(
                f"CREATE TRIGGER wego_display_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION wego_display_changed()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        for table in tables:
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = quote(f"wego_display_changed_{table}_{event.lower()}")
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {quote(table)} BEGIN "
                    f"UPDATE compliance_dataversion SET display_token = lower(hex(randomblob(16))) WHERE id = 1; END"
                )


def drop_display_triggers(schema_editor, tables):
    quote = schema_editor.quote_name
    for table in tables:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS wego_display_changed ON {quote(table)}")
        elif schema_editor.connection.vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'wego_display_changed_{table}_{event}')}")


def forwards(apps, schema_editor):
    add_display_triggers(schema_editor, shown_tables(apps))
    apps.get_model("compliance", "DataVersion").objects.filter(pk=1).update(display_token=uuid.uuid4().hex)


def backwards(apps, schema_editor):
    drop_display_triggers(schema_editor, shown_tables(apps))


class Migration(migrations.Migration):
    dependencies = [("compliance", "0022_packet_what_if"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="display_token",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(forwards, backwards),
    ]
