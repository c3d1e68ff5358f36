"""The register's data version (`compliance.register`) and the display version (`compliance.fragments`)."""

from django.db import models


class DataVersion(models.Model):
    """One row whose token changes with every write to what the register reads.

    Each process keeps the register it loaded last under this token and reads the token
    (one query) before reusing it. The token is random, never a counter: a write that
    rolls back must not hand its token on to the next write.
    """

    token = models.CharField(max_length=32)
    # Changes with every write to any table a page may show, by database triggers
    # (migration 0023, `compliance.fragments`): the key of the pages' cached fragments.
    display_token = models.CharField(max_length=32, default="", blank=True)

    def __str__(self):
        return self.token
