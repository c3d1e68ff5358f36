"""Export -> import changes nothing, for every resource, in CSV and XLSX, English and Korean headers.

Tables the seed leaves empty (council sessions, holiday overrides, committee reports)
are filled with synthetic rows labelled as such.
"""

import datetime
import io
import json

import openpyxl
import pytest
from django.core import serializers
from django.utils import translation

from compliance import models
from compliance.dataio.exports import export_records
from compliance.dataio.resources import IMPORTABLE
from compliance.services.imports import do_import_records


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the Korean ones are checked where a test asks for "ko"."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


SYNTHETIC = "SYNTHETIC TEST DATA"


@pytest.fixture
def full(seed):
    """The seed plus synthetic rows for the tables the seed leaves empty."""
    session = models.CouncilSession.objects.create(
        number=900,
        kind="regular",
        starts_on=datetime.date(2024, 6, 10),
        ends_on=datetime.date(2024, 6, 20),
        source=SYNTHETIC,
    )
    models.HolidayOverride.objects.create(date=datetime.date(2030, 10, 2), name_ko="임시공휴일(합성)", source=SYNTHETIC)
    models.HolidayOverride.objects.create(
        date=datetime.date(2030, 5, 5),
        kind="remove",
        name_ko="=HYPERLINK(합성)",
        name_en="-formula-like",
        source=SYNTHETIC,
    )
    report = models.CommitteeReport.objects.create(
        committee=models.Party.objects.get(code="committee_housing_space"),
        session=session,
        reported_on=datetime.date(2024, 6, 12),  # a report is a past fact: never in the future
        note="+synthetic",
        source=SYNTHETIC,
    )
    report.documents.set(models.Document.objects.filter(pk__in=[12, 13]))
    models.Extension.objects.create(
        obligation_key="plan_to_mayor-2030",
        extended_to=datetime.date(2029, 9, 30),
        basis=f"{SYNTHETIC}: =funding agreement clause",
        granted_by=SYNTHETIC,
        granted_on=datetime.date(2024, 6, 12),
        recorded_on=datetime.date(2024, 6, 12),
        withdrawn_on=datetime.date(2024, 6, 13),
        withdrawal_reason=SYNTHETIC,
    )
    return report


def snapshot():
    """Every imported table serialised without primary keys (natural content only)."""
    out = {}
    for model in (
        models.Submission,
        models.Document,
        models.Forwarding,
        models.ForwardingItem,
        models.CommitteeReport,
        models.CouncilSession,
        models.HolidayOverride,
        models.DutyRule,
        models.FundingYear,
        models.SeoulSupport,
        models.DuesCollection,
        models.Extension,
    ):
        rows = json.loads(serializers.serialize("json", model.objects.all().order_by("pk")))
        out[model.__name__] = [(r["pk"], r["fields"]) for r in rows]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("korean", [False, True])
@pytest.mark.parametrize("name", IMPORTABLE)
def test_export_then_import_changes_nothing(full, name, fmt, korean):
    before = snapshot()
    data, _headers, count = export_records(name, fmt, korean_headers=korean)
    assert count > 0
    report = do_import_records(name, data, f"export.{fmt}", dry_run=False)
    assert report.ok, report.as_text()
    assert report.unchanged == count and report.created == report.updated == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_tables_reimport_losslessly_into_an_empty_database(full):
    """Delete the records, import the exported files in order, get the same content back."""

    def natural():
        docs = sorted(
            (
                d.submission.received_on,
                d.submission.source,
                d.fiscal_year,
                d.kind,
                d.title,
                d.source,
                d.supersedes.title if d.supersedes else None,
            )
            for d in models.Document.objects.select_related("submission", "supersedes")
        )
        items = sorted(
            (
                i.forwarding.forwarded_on,
                i.forwarding.source,
                i.kind,
                i.fiscal_year,
                i.description,
                i.source,
                i.document.title if i.document else None,
            )
            for i in models.ForwardingItem.objects.select_related("forwarding", "document")
        )
        reports = sorted(
            (
                r.reported_on,
                r.committee.code,
                r.session.number,
                r.note,
                tuple(sorted(d.title for d in r.documents.all())),
            )
            for r in models.CommitteeReport.objects.all()
        )
        funding = [
            list(m.objects.order_by("year").values_list(*[f.name for f in m._meta.fields if f.name != "id"]))
            for m in (models.FundingYear, models.SeoulSupport, models.DuesCollection)
        ]
        others = [
            list(models.CouncilSession.objects.values_list("number", "kind", "starts_on", "ends_on", "source")),
            list(
                models.HolidayOverride.objects.order_by("date").values_list(
                    "date", "kind", "name_ko", "name_en", "source"
                )
            ),
        ]
        return docs, items, reports, funding, others

    before = natural()
    files = {name: export_records(name, "xlsx")[0] for name in IMPORTABLE}
    models.CommitteeReport.objects.all().delete()
    models.ForwardingItem.objects.all().delete()
    models.Forwarding.objects.all().delete()
    models.Document.objects.update(supersedes=None)
    models.Document.objects.all().delete()
    models.Submission.objects.all().delete()
    for model in (
        models.CouncilSession,
        models.HolidayOverride,
        models.FundingYear,
        models.SeoulSupport,
        models.DuesCollection,
    ):
        model.objects.all().delete()
    for name in (
        "council_sessions",
        "holiday_overrides",
        "documents",
        "forwardings",
        "committee_reports",
        "funding_years",
        "seoul_support",
        "dues_collection",
    ):
        report = do_import_records(name, files[name], f"{name}.xlsx", dry_run=False)
        assert report.applied, report.as_text()
    assert natural() == before
    assert models.Submission.objects.count() == 7


@pytest.mark.django_db
def test_xlsx_export_has_real_dates_numbers_and_neutralised_formulas(full):
    data, headers, _count = export_records("holiday_overrides", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert all(isinstance(r[0], datetime.datetime) for r in rows)
    formula_row = next(r for r in rows if r[2].endswith("HYPERLINK(합성)"))
    assert formula_row[2] == "'=HYPERLINK(합성)" and formula_row[3] == "'-formula-like"
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)

    data, _h, _c = export_records("funding_years", "xlsx")
    first = list(
        openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True)
    )[0]
    assert first[0] == 2019 and first[1] == 1383123 and isinstance(first[1], int)


@pytest.mark.django_db
def test_csv_export_neutralises_formula_text_and_keeps_negative_numbers(full):
    text = export_records("holiday_overrides", "csv")[0].decode("utf-8-sig")
    assert "'=HYPERLINK(합성)" in text and "'-formula-like" in text
    rules = export_records("duty_rules", "csv")[0].decode("utf-8-sig")
    assert ",-5," in rules  # offset_months of plan_to_mayor is a number, not text


@pytest.mark.django_db
def test_korean_headers_are_used_on_request(full):
    text = export_records("documents", "csv", korean_headers=True)[0].decode("utf-8-sig")
    assert text.splitlines()[0].startswith("접수일,접수번호,회계연도,문서 종류,제목")


@pytest.mark.django_db
def test_obligations_export_uses_the_chosen_date(seed):
    text = export_records("obligations", "csv", as_of=datetime.date(2024, 3, 1))[0].decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("key,duty,duty_name,fiscal_year,due_date")
    plan_2023 = next(line for line in lines if line.startswith("plan_to_mayor-2023,"))
    assert "2022-07-31" in plan_2023 and ",late," in plan_2023 and "2024-03-01" in plan_2023
    report = do_import_records("obligations", text.encode(), "o.csv", dry_run=True)
    assert not report.ok and "cannot be imported" in report.file_errors[0]
