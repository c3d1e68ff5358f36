"""Shared model helpers."""

from django.utils.translation import get_language


class BilingualNameMixin:
    """`name` in the active language, falling back to Korean."""

    @property
    def name(self):
        if (get_language() or "ko").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name_ko
