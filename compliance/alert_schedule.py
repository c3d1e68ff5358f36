"""The beat schedule and the default alert stages, created by a data migration and by
`manage.py setup_alerts` (idempotent; restores them if someone deleted them)."""

SCAN_TASK_NAME = "Daily alert scan (Article 17 deadlines)"
SCAN_TASK = "compliance.tasks.scan_alerts"

# (code, kind, offset days, repeat every, responsible, DPO, council staff)
DEFAULT_STAGES = [
    ("before-30", "reminder", -30, None, True, False, False),
    ("before-7", "reminder", -7, None, True, False, False),
    ("before-1", "reminder", -1, None, True, False, False),
    ("due", "reminder", 0, None, True, False, False),
    # Day 1 overdue: the responsible party, and the Digital Policy Officer for WeGO's duties
    # (for the city's own duties the DPO is the responsible party: one alert, not two).
    ("overdue-1", "escalation", 1, None, True, True, False),
    ("overdue-7", "escalation", 7, None, True, True, True),
    # Then weekly, on Mondays, while overdue and no delay reason is recorded.
    ("weekly", "digest", 8, 7, True, True, True),
]


def ensure_defaults(AlertStage, CrontabSchedule, PeriodicTask, hour=7):
    """Create the default stages (if there are none) and the daily beat task (if missing)."""
    if not AlertStage.objects.filter(duty_rule__isnull=True).exists():
        for code, kind, offset, repeat, responsible, dpo, council in DEFAULT_STAGES:
            AlertStage.objects.create(
                code=code,
                kind=kind,
                offset_days=offset,
                repeat_every_days=repeat,
                notify_responsible=responsible,
                notify_dpo=dpo,
                notify_council_staff=council,
            )
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Seoul"
    )
    PeriodicTask.objects.get_or_create(name=SCAN_TASK_NAME, defaults={"task": SCAN_TASK, "crontab": crontab})
