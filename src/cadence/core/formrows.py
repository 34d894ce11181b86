"""Forms whose rows change on the server: the rating scale's levels, a
review template's sections and questions, an improvement plan's
expectations. "Add", "remove" and "move" are submit buttons named `op`, so
they work without JavaScript (the page re-renders with the change and
nothing is saved) and, with htmx, swap the form in place. Nothing typed is
lost: a re-render starts from what was posted.

`RowsEditor` is a form with one list of rows (a formset); the helpers
below it also serve editors with nested rows (the template builder)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from cadence.people.forms import apply_service_errors

OP = re.compile(r"(?P<name>[a-z_]+)(?:-(?P<i>\d{1,3}))?(?:-(?P<j>\d{1,3}))?")


def parse_op(value: str | None) -> tuple[str, int | None, int | None]:
    """An `op` button's value as (name, i, j); ("save", None, None) by default."""
    match = OP.fullmatch(value or "save")
    if match is None:
        return "", None, None
    i, j = match["i"], match["j"]
    return match["name"], int(i) if i else None, int(j) if j else None


def posted_count(data: QueryDict, key: str, limit: int) -> int:
    """A posted row count, kept within 0..limit (a bad value is 0)."""
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


def posted_values(blank: forms.Form, data: QueryDict) -> dict[str, Any]:
    """What was posted for `blank`'s fields (an unbound form with the
    row's prefix), read the way each widget reads it, to show again as
    initial values (unvalidated)."""
    return {
        name: f.widget.value_from_datadict(data, {}, blank.add_prefix(name))
        for name, f in blank.fields.items()
    }


def move_row(rows: list[Any], index: int, step: int) -> int:
    """Swap rows[index] with its neighbour; the row's new index."""
    other = index + step
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        return other
    return index


class RowFormSet(forms.BaseFormSet[Any]):
    """Rows of which any may be left blank (and are then skipped), so none
    counts as an "initial" row that Django would require."""

    def initial_form_count(self) -> int:
        return 0 if self.is_bound else super().initial_form_count()


class RowsEditor:
    """A form and its rows, a formset whose prefix is also the key of the
    service's errors about them (`<prefix>` for the list, `<prefix>.<n>.<field>`
    for the n-th row given to the service). A subclass names its formset,
    its row (`op` "add_<row>" adds one, "remove_<row>-<i>" removes one,
    "save", the default, validates for the service) and builds its form.

    Row forms have `is_blank()`: a blank row is skipped, not an error."""

    prefix: ClassVar[str]
    row: ClassVar[str]
    # The field focused in a newly added row.
    focus_field: ClassVar[str]
    max_rows: ClassVar[int]
    formset_class: ClassVar[Any]
    row_form: ClassVar[type[forms.Form]]

    def __init__(self, data: QueryDict | None) -> None:
        self.focus = ""
        self.row_errors: list[str] = []
        # The formset index of each row given to the service, in order.
        self._given: list[int] = []
        self.op, index, _ = parse_op(data.get("op") if data is not None else None)
        if data is None:
            initial, rows = self.stored()
            self.form = self.make_form(initial=initial)
            self.rows = self.formset_class(prefix=self.prefix, initial=rows)
        elif self.op == "save":
            self.form = self.make_form(data)
            self.rows = self.formset_class(data, prefix=self.prefix)
        else:
            total = posted_count(data, f"{self.prefix}-TOTAL_FORMS", self.max_rows)
            rows = [
                posted_values(self.row_form(prefix=f"{self.prefix}-{i}"), data)
                for i in range(total)
            ]
            if self.op == f"add_{self.row}" and len(rows) < self.max_rows:
                rows.append({})
                self.focus = f"id_{self.prefix}-{len(rows) - 1}-{self.focus_field}"
            elif self.op == f"remove_{self.row}" and index is not None and index < len(rows):
                del rows[index]
                self.focus = f"add-{self.row}"
            self.form = self.make_form(initial=posted_values(self.make_form(), data))
            self.rows = self.formset_class(prefix=self.prefix, initial=rows)
        if self.focus.startswith("id_"):
            for row in self.rows.forms:
                if row[self.focus_field].auto_id == self.focus:
                    row.fields[self.focus_field].widget.attrs["autofocus"] = True

    def make_form(self, data: QueryDict | None = None, **kwargs: Any) -> forms.Form:
        """The editor's own form, bound to `data` when given."""
        raise NotImplementedError

    def stored(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The form's and the rows' initial values before anything is posted."""
        raise NotImplementedError

    @property
    def saving(self) -> bool:
        return self.op == "save"

    def is_valid(self) -> bool:
        return self.saving and all([self.form.is_valid(), self.rows.is_valid()])

    def filled_rows(self) -> list[Any]:
        """The rows not left blank, in order: what goes to the service
        (after `is_valid`). Their places are kept to put its errors back."""
        self._given = [i for i, row in enumerate(self.rows.forms) if not row.is_blank()]
        return [self.rows.forms[i] for i in self._given]

    @property
    def version(self) -> int | None:
        version: int | None = self.form.cleaned_data.get("version")
        return version

    def apply_service_errors(self, error: ValidationError) -> None:
        """Each message on its row and field, or on the form."""
        if not hasattr(error, "error_dict"):
            apply_service_errors(self.form, error)
            return
        rest: dict[str, list[str]] = {}
        for path, messages in error.message_dict.items():
            parts = path.split(".")
            if path == self.prefix:
                self.row_errors.extend(messages)
            elif parts[0] == self.prefix and len(parts) >= 2 and parts[1].isdigit():
                position = int(parts[1])
                if position >= len(self._given):
                    self.row_errors.extend(messages)
                    continue
                row = self.rows.forms[self._given[position]]
                name = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
                row.add_error(name, messages)
            else:
                rest[path] = messages
        if rest:
            apply_service_errors(self.form, ValidationError(rest))

    @property
    def has_errors(self) -> bool:
        if not self.saving:
            return False
        rows = any(row.errors for row in self.rows.forms)
        return bool(self.form.errors or rows or self.row_errors)
