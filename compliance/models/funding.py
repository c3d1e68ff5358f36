"""Funding figures the Council's review report discusses (thousand won)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingYear(models.Model):
    """WeGO budget, Seoul's support (국제부담금) and membership dues, in thousand won."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    total_budget = models.BigIntegerField(_("total budget (thousand won)"))
    seoul_support = models.BigIntegerField(_("Seoul support (thousand won)"))
    membership_dues = models.BigIntegerField(_("membership dues (thousand won)"))
    dues_ratio = models.DecimalField(
        _("dues ratio (%) as stated"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("budget and dues")
        verbose_name_plural = _("budget and dues")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class SeoulSupport(models.Model):
    """Seoul's international contribution and seconded staff per year (붙임3)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount = models.BigIntegerField(_("amount (thousand won)"))
    seconded_staff = models.CharField(_("seconded staff"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("Seoul support")
        verbose_name_plural = _("Seoul support")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class DuesCollection(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    targets = models.PositiveIntegerField(_("members billed"))
    payers = models.PositiveIntegerField(_("members who paid"))
    rate = models.DecimalField(_("collection rate (%) as stated"), max_digits=5, decimal_places=1)
    amount = models.BigIntegerField(_("amount collected (thousand won)"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("dues collection")
        verbose_name_plural = _("dues collection")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)
