"""Who may do what: the one place for access rules, with one helper per object type.

| role                  | read everything | submit as WeGO | record city actions | audit trail |
|-----------------------|-----------------|----------------|---------------------|-------------|
| council_staff         | yes (read-only) | no             | no                  | read/export |
| wego_secretariat      | own submissions | yes            | no                  | no          |
| digital_policy_officer| yes             | no             | yes                 | read/export |
| admin (superuser)     | yes             | no             | yes                 | read/export |

Every submission is the secretariat's own (WeGO is the only submitter), so WeGO users
see all submissions and their files, but not the city's internal records (inbox,
evaluations, inspections) nor the audit trail. A signed-in user with no role sees none
of the workflow pages.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .roles import ADMIN, COUNCIL_STAFF, DPO, WEGO, has_role, role_of

READ_ALL = (COUNCIL_STAFF, DPO, ADMIN)
CITY = (DPO, ADMIN)
SUBMITTERS = (WEGO,)
SUBMISSION_READERS = (COUNCIL_STAFF, WEGO, DPO, ADMIN)
AUDIT_READERS = READ_ALL


def can_submit(user):
    return role_of(user) in SUBMITTERS


def can_record_city_actions(user):
    return role_of(user) in CITY


def can_read_all(user):
    return role_of(user) in READ_ALL


def can_read_submissions(user):
    return role_of(user) in SUBMISSION_READERS


def can_read_audit(user):
    return role_of(user) in AUDIT_READERS


def can_see_addresses(user):
    """Client IP addresses in the audit trail are for administrators."""
    return role_of(user) == ADMIN


def role_required(*roles):
    """`@login_required` plus 403 for a signed-in user whose role is not in `roles`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator


PACKET_BUILDERS = CITY
PACKET_READERS = (DPO, ADMIN, COUNCIL_STAFF)


def can_import(user):
    return has_role(user, DPO, ADMIN)


def can_export(user):
    return role_of(user) is not None


def check_export(user):
    if not can_export(user):
        raise PermissionDenied(_("Your account has no role that may export records."))


def check_import(user):
    if not can_import(user):
        raise PermissionDenied(_("Only the Digital Policy Officer and administrators may import records."))


def can_build_packets(user):
    return has_role(user, *PACKET_BUILDERS)


def builds_for_user(user):
    """The packet builds this user may see; PermissionDenied for roles that see none."""
    from .models import PacketBuild

    if can_build_packets(user):
        return PacketBuild.objects.all()
    if has_role(user, COUNCIL_STAFF):
        # Finished packets, and the annual reports they asked for themselves in any state
        # (the report button is theirs too: they follow its progress or see why it failed).
        own_reports = Q(scope=PacketBuild.Scope.REPORT, requested_by=user)
        return PacketBuild.objects.filter(Q(state=PacketBuild.State.DONE) | own_reports)
    raise PermissionDenied


def can_retry_build(user, build):
    """ "Build again": packet builders, and for an annual report whoever may ask for one."""
    return can_build_packets(user) or (build.scope == build.Scope.REPORT and can_read_all(user))


def get_build_for_user(user, pk):
    return get_object_or_404(builds_for_user(user), pk=pk)


def get_build_to_retry(user, pk):
    """A build `user` may build again: 403 for one they may not rebuild, 404 for one they
    cannot see (another's unfinished report)."""
    from .models import PacketBuild

    if not can_retry_build(user, get_object_or_404(PacketBuild, pk=pk)):
        raise PermissionDenied
    return get_build_for_user(user, pk)


def get_submission_for_user(user, pk):
    from .models import Submission

    if not can_read_submissions(user):
        raise PermissionDenied
    return get_object_or_404(Submission.objects.select_related("submitted_by"), pk=pk)


def get_file_for_user(user, pk):
    from .models import DocumentFile

    if not can_read_submissions(user):
        raise PermissionDenied
    return get_object_or_404(DocumentFile.objects.select_related("document__submission"), pk=pk)


# --- The review loop (outcomes, comments) and the read log --------------------------
# The Digital Policy Officer and administrators record outcomes; WeGO comments on its own
# documents (and the city answers); council staff only read. Who read what is for the
# city alone: never council staff, WeGO or the public.

REVIEWERS = CITY
COMMENTERS = (WEGO, DPO, ADMIN)
READ_LOG_READERS = CITY


def can_record_review(user):
    return role_of(user) in REVIEWERS


def is_wego_document(document):
    """A document WeGO sent: uploaded by a WeGO account, or entered from the city's records
    of receipts (no uploader; WeGO is the only party that submits under Article 17)."""
    submitter = document.submission.submitted_by
    return submitter is None or role_of(submitter) == WEGO


def can_comment_on(user, document):
    role = role_of(user)
    if role == WEGO:
        return is_wego_document(document)
    return role in COMMENTERS


def can_read_read_log(user):
    return role_of(user) in READ_LOG_READERS


def get_document_for_user(user, pk):
    """A received document whose review thread `user` may read."""
    from .models import Document

    if not can_read_submissions(user):
        raise PermissionDenied
    return get_object_or_404(Document.objects.select_related("submission__submitted_by"), pk=pk)
