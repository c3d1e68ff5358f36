"""The law as data: saving a provision version (an administrator sets its effective date)."""

from django.db import transaction

from .. import audit
from ..models import LogLeaf
from . import translog


def do_save_provision(*, by, provision, ip=None):
    """Save a provision version (new or changed) and log what it now says; audited."""
    with transaction.atomic(), audit.acting(by, ip):
        provision.save()
        translog.log_record(LogLeaf.Kind.PROVISION, provision)
    return provision
