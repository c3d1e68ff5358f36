"""`loaddata`, then the stored register rebuilt from what was loaded.

Fixtures are saved raw (no model signals), so the register cannot follow them row by row;
one rebuild at the end, in the same transaction, keeps it what the events give."""

from django.core.management.commands import loaddata
from django.db import transaction

from ... import register


class Command(loaddata.Command):
    def loaddata(self, fixture_labels):
        with transaction.atomic(using=self.using):
            super().loaddata(fixture_labels)
            if self.loaded_object_count and {m._meta.label for m in self.models} & {
                m._meta.label for m in register.source_models()
            }:
                register.rebuild()
