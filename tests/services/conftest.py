"""Fixtures shared by the service tests that start real parts of their own."""

import pytest

from wego_tracker.celery import app


@pytest.fixture
def own_broker():
    """Give the app back its broker after a test pointed it at its own Redis."""
    saved = app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager
    yield
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None
