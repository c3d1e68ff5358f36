"""Celery tasks: thin wrappers around the services."""

from celery import shared_task


@shared_task(name="compliance.build_packet")
def build_packet(build_id):
    """Build a queued council packet (`compliance.packets.run_build`); progress goes on the row."""
    from .packets import run_build

    run_build(build_id)
