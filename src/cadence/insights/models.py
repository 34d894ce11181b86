"""The table of kept insights reports (insights/report_cache.py).

It is Django's database cache: the layout `manage.py createcachetable`
makes, declared as a model so that `migrate` creates it on every database
like any other table. Keeping reports in the database (not in files on one
web machine) means every web worker on every machine shares them, and the
aggregates stay where the data they come from already is."""

from __future__ import annotations

from django.db import models

KEPT_REPORTS_TABLE = "insights_kept_report"


class KeptReport(models.Model):
    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = KEPT_REPORTS_TABLE

    def __str__(self) -> str:
        return f"{self.cache_key} (until {self.expires:%Y-%m-%d %H:%M})"
