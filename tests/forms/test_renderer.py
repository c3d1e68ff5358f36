"""Every form renders in KRDS markup through one renderer (settings.FORM_RENDERER):
checkbox and radio groups in a fieldset with a visible legend, each input followed by its
own label (KRDS draws the box on that label), inputs and selects with KRDS classes, help
and errors tied to the control, and an error summary that links to each field."""

import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.utils import translation

import compliance.forms
from compliance.forms.renderer import KrdsFormRenderer


class Sample(forms.Form):
    title = forms.CharField(label="Title", help_text="As on the cover.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    documents = forms.MultipleChoiceField(
        label="Documents", choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(label="Mode", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree", required=False)


def test_the_project_renderer_is_the_krds_one(settings):
    assert settings.FORM_RENDERER == "compliance.forms.renderer.KrdsFormRenderer"
    assert isinstance(Sample().renderer, KrdsFormRenderer)


def test_checkbox_and_radio_groups_have_a_legend_and_each_input_its_own_label():
    html = str(Sample())
    assert '<legend class="form-tit app-legend">Documents' in html
    assert '<legend class="form-tit app-legend">Mode' in html
    for name, kind, value, index in (("documents", "checkbox", "1", 0), ("mode", "radio", "y", 1)):
        pattern = (
            rf'<div class="krds-form-check"><input type="{kind}" name="{name}" value="{value}"[^>]*'
            rf'id="id_{name}_{index}"[^>]*><label for="id_{name}_{index}">'
        )
        assert re.search(pattern, html), name
    assert re.search(
        r'<div class="krds-form-check"><input type="checkbox" name="agree"[^>]*><label for="id_agree">', html
    )


def test_inputs_and_selects_carry_krds_classes_and_help_is_described():
    html = str(Sample())
    assert re.search(r'<input type="text" name="title"[^>]*class="krds-input"', html)
    assert re.search(r'<select name="kind"[^>]*class="krds-form-select"', html)
    assert 'aria-describedby="id_title_helptext"' in html
    assert '<p class="form-hint app-hint" id="id_title_helptext">As on the cover.</p>' in html


def test_a_bound_form_with_errors_starts_with_a_summary_linking_to_each_field():
    with translation.override("en"):
        html = str(Sample(data={"kind": "zzz"}))
    summary = html.split("</div>", 1)[0]
    assert "data-error-summary" in summary and 'tabindex="-1"' in summary
    assert '<a href="#id_title">Title: This field is required.</a>' in summary
    assert '<a href="#id_documents_0">Documents: This field is required.</a>' in summary
    assert '<a href="#id_kind">' in summary
    assert 'aria-invalid="true"' in html
    assert '<p class="form-hint-invalid" id="id_title_error">' in html


def _project_forms():
    for info in pkgutil.iter_modules(compliance.forms.__path__):
        module = importlib.import_module(f"compliance.forms.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.django_db
def test_no_project_form_keeps_djangos_default_markup(seed):
    """Default choice markup wraps the input in its label, which KRDS hides entirely."""
    checked = 0
    for cls in _project_forms():
        try:
            form = cls()
        except TypeError:
            continue  # needs arguments only its view has; covered by the browser matrix
        html = str(form)
        assert not re.search(r"<label[^>]*>\s*<input", html), cls
        assert 'class="helptext"' not in html, cls
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if re.search(r'type="(hidden|checkbox|radio|file)"', tag):
                continue
            assert re.search(r'class="[^"]*krds-(input|form-select)', tag), (cls, tag)
        checked += 1
    assert checked >= 5


@pytest.mark.django_db
def test_the_page_title_says_error_after_a_failed_submit(client, dpo_user):
    client.force_login(dpo_user)
    page = client.post("/forwardings/new/", {"form_token": "t1"})
    assert page.status_code == 400
    assert re.search(r"<title>오류: ", page.content.decode())
    page = client.get("/forwardings/new/")
    assert "<title>오류" not in page.content.decode()
