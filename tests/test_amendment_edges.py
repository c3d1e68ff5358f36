"""The amendment's edges: one moment decides, one report per lineage (PostgreSQL)."""

import datetime

import pytest

from compliance import register
from compliance.models import Provision

pytestmark = pytest.mark.django_db
D = datetime.date


def keys(as_of, what_if_from):
    return set(register.load().by_key(as_of, what_if=True, what_if_from=what_if_from))


def test_a_revision_forwarded_in_place_of_its_draft_gives_one_committee_report(seed):
    found = keys(D(2024, 4, 3), D(2022, 1, 1))
    # FY2024 plan: draft d11 (2023-07-19) superseded by revision d12 (2023-10-23), forwarded 2023-11-17.
    assert "report_plan_to_committee-2024-d12" in found
    assert "report_plan_to_committee-2024-d11" not in found
    # Both versions still had to be forwarded (the draft's duty fulfilled by the revision's).
    assert {"forward_plan_to_council-2024-d11", "forward_plan_to_council-2024-d12"} <= found


def test_by_default_the_receipt_decides_whether_the_report_duty_exists(seed):
    # The bill assumed in force from 2023-11-01: the revision was received on 2023-10-23
    # (before) and forwarded on 2023-11-17 (after). Its forwarding followed the old text;
    # so does its report: none is owed.
    found = keys(D(2024, 4, 3), D(2023, 11, 1))
    assert "report_plan_to_committee-2024-d12" not in found
    # A version whose 부칙 makes the forwarding decide gives the report duty.
    Provision.objects.filter(version_label="2024 개정안").update(duties_arise_on="forwarding")
    register.rebuild()  # QuerySet.update() sends no signal
    assert "report_plan_to_committee-2024-d12" in keys(D(2024, 4, 3), D(2023, 11, 1))
