"""One KRDS form renderer for every form (settings.FORM_RENDERER).

`{{ form }}` renders templates/forms/krds/form.html: an error summary (focused on load
by static/js/app.js, one link per field) and then each field in KRDS markup
(templates/forms/krds/field.html). KRDS hides every native checkbox and radio and draws
it on the label that follows the input inside `.krds-form-check`; Django's default
`<label><input> text</label>` therefore shows nothing, which is why choice widgets are
laid out here and not by Django's widget templates.

The admin keeps its own markup: it never renders `{{ form }}`, and the classes added to
widgets here mean nothing to its stylesheet.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_NO_CLASS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.HiddenInput, forms.FileInput)


def krds_class(widget):
    """The KRDS class of a widget's control ('' for those KRDS styles by markup)."""
    if isinstance(widget, _NO_CLASS):
        return ""
    if isinstance(widget, forms.Select):
        return "krds-form-select"
    return "krds-input"


class KrdsBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = krds_class(widget)
        if css:
            classes = (attrs.get("class") or widget.attrs.get("class") or "").split()
            classes += [c for c in (css, "is-error" if self.errors else "") if c and c not in classes]
            attrs["class"] = " ".join(classes)
        return attrs

    @property
    def anchor_id(self):
        """The id the error summary links to: the control itself, or the first option
        of a checkbox or radio group."""
        if not self.auto_id:
            return ""
        if self.use_fieldset:
            # The first option's own id (id_x_0, or id_x_0_0 when the choices are grouped).
            options = self.subwidgets
            return options[0].id_for_label if options else f"{self.auto_id}_0"
        return self.id_for_label

    @property
    def option_groups(self):
        """[(group label, [BoundWidget])] of a field with grouped choices (`field.grouped`),
        in the order of the choices; the ids are those `subwidgets` would give."""
        options = iter(self.subwidgets)
        return [(label, [next(options) for _ in opts]) for label, opts in self.field.widget.choices]

    @property
    def is_checkbox(self):
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def is_file(self):
        return isinstance(self.field.widget, forms.FileInput)


class KrdsFormRenderer(TemplatesSetting):
    form_template_name = "forms/krds/form.html"
    field_template_name = "forms/krds/field.html"
    bound_field_class = KrdsBoundField
