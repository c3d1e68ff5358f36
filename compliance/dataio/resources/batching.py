"""Batched creates for imports (`NaturalKeyResource` with Meta `use_bulk = True`).

A resource whose Meta sets `use_bulk = True` keeps the records its rows create (and
those its `assign()` creates through `defer()`) and writes them with one `bulk_create`
per model when the rows are read, with an audit entry for each, and the stored register
refreshed once for what they touch: a 10,000-row file costs a few dozen queries instead of three
per row. Each row is still validated on its own
(cells, references, `full_clean`), so the report stays row by row. Rows that change
an existing record still write at once, each in a savepoint of its own (the library
opens none per row in this mode). django-import-export's own `use_bulk` path is
not used for the writes: it skips model signals (so the audit trail) and cannot
write a record that refers to another one created in the same file.
"""

from django.db import transaction

BULK_BATCH = 1000


class BatchedCreates:
    """What a resource needs to keep its new records and write them in batches."""

    _deferred: dict

    def defer(self, instance):
        """Keep a new record to be written with the others of its model (`flush_deferred`)."""
        self._flush_if_refers_to_deferred(instance)
        self._deferred.setdefault(type(instance), []).append(instance)

    def _flush_if_refers_to_deferred(self, instance, any_model=False):
        # bulk_create refuses a record whose foreign key points to a record not yet written:
        # one of its own model (a revision of a plan created a few rows earlier), or, for a
        # record written now, any kept one. Write the kept records first.
        for field in instance._meta.concrete_fields:
            if _unwritten(instance, field) and (any_model or field.related_model is type(instance)):
                self.flush_deferred()
                return

    def flush_deferred(self):
        """Write the kept records, model by model (a receipt before its documents), with
        an audit entry for each, and tell the register what they changed (bulk writes
        send no model signals)."""
        from ... import audit_signals, register

        deferred, self._deferred = self._deferred, {}
        if not any(deferred.values()):
            return
        with transaction.atomic():
            for model in _referenced_first(deferred):
                instances = deferred[model]
                model.objects.bulk_create(instances, batch_size=BULK_BATCH)
                audit_signals.record_created(instances)
                # bulk_create sends no model signals: say what changed (one refresh per batch).
                register.changed(instances)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Called by django-import-export after the last row (Meta.use_bulk). A dry run
        # writes too, inside its transaction that is always rolled back, so the database
        # checks what it would refuse.
        try:
            self.flush_deferred()
        except Exception as exc:  # noqa: BLE001 - reported as a file error; nothing is saved
            self.handle_import_error(result, exc, raise_errors)


def _referenced_first(models):
    """The models in an order where each comes after those it has a foreign key to."""
    left, order = list(models), []
    while left:
        ready = next(
            (m for m in left if not any(f.related_model in left and f.related_model is not m for f in _fks(m))),
            left[0],  # a cycle between kept models: none in our resources
        )
        order.append(ready)
        left.remove(ready)
    return order


def _fks(model):
    return [f for f in model._meta.concrete_fields if f.is_relation]


def kept_for_later(instance, field) -> bool:
    """Whether `field` of `instance` points to a record that has no id in it yet: one
    this import keeps to write with the others of its model (`NaturalKeyResource.defer`);
    bulk_create takes the id from the record when it writes `instance`."""
    if not field.is_relation or not field.is_cached(instance):
        return False
    return field.get_cached_value(instance) is not None and getattr(instance, field.attname) is None


def _unwritten(instance, field) -> bool:
    """Whether `field` of `instance` points to a kept record not written yet."""
    return kept_for_later(instance, field) and field.get_cached_value(instance).pk is None
