"""The tamper-evident audit trail: who created or changed which record, when, from where.

Why our own table and not a library: django-simple-history keeps one history table per
model, so there is no single order to chain hashes over, and django-pghistory records
through PostgreSQL triggers, so the SQLite demo would record nothing. Here one
append-only table (`AuditEntry`) is filled by model signals, which catches writes made
by the `do_*` services and by the Django admin alike (rules, provisions, sessions...).

Each entry stores the SHA-256 of its canonical content and of the previous entry's hash,
a gap-free `seq`, and an HMAC of its hash with WEGO_AUDIT_KEY (`sign`), a key the database
never holds. On PostgreSQL a trigger (migration 0013) refuses UPDATE, DELETE and TRUNCATE
of the table for every role. Whoever lifts the trigger (a superuser) and edits, deletes
or inserts rows breaks the chain; recomputing the hashes does not help without the key;
deleting the newest entries or truncating contradicts the head last published outside
the database (`compliance.audit_heads`). `manage.py verify_audit` names each.

The actor and client address come from a context variable, set per request by
`AuditContextMiddleware` and by the services (`acting(user, ip)`); writes outside both
(shell, management commands) are recorded with no actor. Fixture loading (`raw`) is not
recorded: it is the seed, whose source is cited on each row.
"""

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import hmac
import ipaddress
import json

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

GENESIS = "0" * 64
_LOCK_KEY = 170417  # pg_advisory_xact_lock key serialising appends (Article 17 ④ ...)

_current = contextvars.ContextVar("wego_audit_actor", default=(None, None))


# --- Who is acting ------------------------------------------------------------------


def client_ip(request):
    """The client's address: REMOTE_ADDR, or, behind WEGO_TRUST_X_FORWARDED_FOR proxies,
    the address the outermost of them saw.

    Each trusted proxy appends the address it received from, so with N proxies the
    client is the N-th entry from the right of X-Forwarded-For; anything left of it was
    written by the client and is never believed (the leftmost entry let any caller
    choose its own address, and so its own rate limit). Not an address: None."""
    proxies = settings.WEGO_TRUST_X_FORWARDED_FOR
    address = request.META.get("REMOTE_ADDR") or ""
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Make the signed-in user and the client address known to `record`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set((getattr(request, "user", None), client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


@contextlib.contextmanager
def acting(user, ip=None):
    """Attribute the writes in this block to `user` at `ip` (keeps the request's ip)."""
    _prev_user, prev_ip = _current.get()
    token = _current.set((user, ip or prev_ip))
    try:
        yield
    finally:
        _current.reset(token)


def _actor():
    from .roles import role_of

    user, ip = _current.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None, "", "", ip
    return user, user.get_username(), role_of(user) or "", ip


# --- Hashing ------------------------------------------------------------------------


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def entry_payload(entry) -> dict:
    return {
        "seq": entry.seq,
        "created_at": _jsonable(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "ip_address": entry.ip_address,
        "action": entry.action,
        "model": entry.model,
        "object_pk": entry.object_pk,
        "object_repr": entry.object_repr,
        "changes": _jsonable(entry.changes),
        "refs": entry.refs,
        "prev_hash": entry.prev_hash,
    }


def compute_hash(entry) -> str:
    canonical = json.dumps(entry_payload(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Recording ----------------------------------------------------------------------


_recording = contextvars.ContextVar("wego_audit_recording", default="each")  # each / batch / off
_pending = contextvars.ContextVar("wego_audit_pending", default=None)


class _Marker:
    """A no-op on-commit callback: Django drops it if its savepoint is rolled back."""

    def __call__(self):
        pass


@contextlib.contextmanager
def batched():
    """Append this block's entries in one insert when it ends, in the order they were made.

    Must run inside a transaction. Each entry is kept with a no-op `on_commit` marker:
    Django drops the markers of a rolled-back savepoint, and an entry whose marker is gone
    describes a write that was undone, so it is left out. The chain's head is read once,
    under the append lock, when the entries are written. Nothing is written if the
    transaction is already doomed (it cannot commit the block's changes either).
    """
    if _recording.get() != "each":  # already batched, or discarded
        yield
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit.batched() needs a transaction")
    pending = []
    tokens = (_recording.set("batch"), _pending.set(pending))
    try:
        yield
    finally:
        _recording.reset(tokens[0])
        _pending.reset(tokens[1])
        if pending and not connection.needs_rollback:
            _write_pending(pending)


@contextlib.contextmanager
def discarded():
    """Run a block whose writes are always rolled back (a dry run); they are not recorded,
    since nothing of them is kept. Nothing in the block can commit: it ends in a rollback."""
    token = _recording.set("off")
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        _recording.reset(token)


def _lock_and_read_head():
    """(seq, hash) of the newest entry, holding the append lock to the end of the transaction."""
    from .models import AuditEntry

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    return AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first() or (0, GENESIS)


def sign(entry_hash: str) -> str:
    """HMAC-SHA256 of an entry's hash with WEGO_AUDIT_KEY, kept apart from the database:
    whoever can rewrite the table cannot make a recomputed chain carry valid signatures."""
    return hmac.new(settings.WEGO_AUDIT_KEY.encode("utf-8"), entry_hash.encode("ascii"), hashlib.sha256).hexdigest()


def signature_ok(entry) -> bool:
    return bool(entry.signature) and hmac.compare_digest(sign(entry.entry_hash), entry.signature)


def _chain(entry, head):
    entry.seq, entry.prev_hash = head[0] + 1, head[1]
    entry.entry_hash = compute_hash(entry)
    entry.signature = sign(entry.entry_hash)
    return entry.seq, entry.entry_hash


def _write_pending(pending):
    from .models import AuditEntry

    live = {id(func) for _sids, func, _robust in connection.run_on_commit}
    entries = [entry for entry, marker in pending if id(marker) in live]
    if not entries:
        return
    with transaction.atomic(savepoint=False):
        head = _lock_and_read_head()
        for entry in entries:
            head = _chain(entry, head)
        AuditEntry.objects.bulk_create(entries, batch_size=1000)


def record(action, instance, changes, refs=()):
    """Append one entry for `instance`, chained to the last one (nothing inside `discarded`,
    and inside `batched` when the block ends)."""
    from .models import AuditEntry

    mode = _recording.get()
    if mode == "off":
        return None
    user, name, role, ip = _actor()
    tokens = sorted(set(refs) | {f"{instance._meta.model_name}:{instance.pk}"})
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=user,
        actor_name=name,
        actor_role=role,
        ip_address=ip,
        action=action,
        model=instance._meta.label_lower,
        object_pk=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=_jsonable(changes),
        refs=" " + " ".join(tokens) + " ",
    )
    if mode == "batch":
        marker = _Marker()
        transaction.on_commit(marker)
        _pending.get().append((entry, marker))
        return entry
    # No savepoint of our own: if the entry cannot be written, the transaction that made
    # the change cannot commit either.
    with transaction.atomic(savepoint=False):
        _chain(entry, _lock_and_read_head())
        entry.save()
    return entry


def verify(entries, check_signatures=True):
    """Walk entries in `seq` order; return None if the chain holds, else (entry, problem)."""
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            return entry, f"sequence jumps from {expected_seq - 1} to {entry.seq} (entries deleted or inserted)"
        if entry.prev_hash != prev_hash:
            return entry, "does not link to the previous entry's hash"
        if compute_hash(entry) != entry.entry_hash:
            return entry, "content does not match its hash (the row was edited)"
        if check_signatures and not signature_ok(entry):
            return entry, "its signature does not match (the chain was rewritten without the audit key)"
        prev_hash, expected_seq = entry.entry_hash, expected_seq + 1
    return None


# --- Reading ------------------------------------------------------------------------


def obligation_refs(obligation, trail=()):
    """Tokens of the records behind one obligation: its rule and provisions, its delay
    reasons, and each document on its trail with its submission, forwarding and report."""
    refs = {f"obligation:{obligation.key}", f"dutyrule:{obligation.rule.pk}"}
    refs |= {f"provision:{p.pk}" for p in obligation.provisions}
    docs = [row["doc"] for row in trail]
    if obligation.document is not None:
        docs.append(obligation.document)
    for doc in docs:
        refs.add(f"document:{doc.id}")
        if doc.submission_id:
            refs.add(f"submission:{doc.submission_id}")
    for row in trail:
        if row.get("forwarding"):
            refs.add(f"forwarding:{row['forwarding'].id}")
        if row.get("report"):
            refs.add(f"committeereport:{row['report'].id}")
    return refs


def entries_for_obligation(obligation, trail=()):
    """The audit timeline of one obligation, newest first (one query)."""
    from .models import AuditEntry

    return AuditEntry.objects.newest_touching(obligation_refs(obligation, trail))


def change_rows(entry):
    """(field label, before, after) for display; labels from the model when it exists."""
    from django.apps import apps

    try:
        model = apps.get_model(entry.model)
        labels = {f.attname: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "attname")}
        labels.update({f.name: str(f.verbose_name) for f in model._meta.many_to_many})
    except (LookupError, ValueError):
        labels = {}
    rows = []
    for key, value in (entry.changes or {}).items():
        label = labels.get(key, key)
        if isinstance(value, list) and len(value) == 2:
            rows.append((label, value[0], value[1]))
        else:
            rows.append((label, None, value))
    return rows
