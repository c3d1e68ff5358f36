"""Settings for the load benchmark's gunicorn: the app's, plus the bare page of bench/_urls.py."""

from wego_tracker.settings import *  # noqa: F403

ROOT_URLCONF = "_urls"
