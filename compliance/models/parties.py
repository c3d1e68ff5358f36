"""Parties (WeGO, the city, the Council, its committees), council sessions and holiday overrides."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..display import date_label
from ..rules.deadlines import session_label
from .base import BilingualNameMixin


class Party(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        SECRETARIAT = "secretariat", _("WeGO secretariat")
        CITY = "city", _("Seoul Metropolitan Government")
        COUNCIL = "council", _("Seoul Metropolitan Council")
        COMMITTEE = "committee", _("Standing committee")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    # Committees change names and remits: the competent committee on a day is the one
    # whose period covers it.
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    is_competent_committee = models.BooleanField(_("competent committee for Article 17"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name_ko


class CouncilSession(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular session (정례회)")
        EXTRAORDINARY = "extraordinary", _("Extraordinary session (임시회)")

    number = models.PositiveIntegerField(_("session number"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="session_ends_after_start")
        ]

    def __str__(self):
        return f"{self.label()} ({date_label(self.starts_on)} ~ {date_label(self.ends_on)})"

    def label(self, language: str | None = None) -> str:
        """ "제322회 임시회" / "322nd extraordinary session", built in the reader's language."""
        return session_label(self.number, self.kind).text(language or get_language() or "ko")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A session cannot end before it starts.")})


class HolidayOverride(models.Model):
    """A correction to the `holidays` package's Korean calendar.

    E.g. a temporary public holiday announced after the pinned release (관공서의 공휴일에
    관한 규정 제2조 제11호), or a day the package lists in error.
    """

    class Kind(models.TextChoices):
        ADD = "add", _("Add a public holiday")
        REMOVE = "remove", _("Remove a listed holiday")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.ADD)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{date_label(self.date)} {self.name_ko} ({self.get_kind_display()})"
