"""`in` for integer columns that leaves out values no such column can hold.

Form fields that choose several rows look up the posted ids with ``pk__in``. On SQLite, the
embedded default, an id longer than 19 digits raised OverflowError ("Python int too large to
convert to SQLite INTEGER") and the page failed; such an id simply matches nothing, which
Django already does for ``exact``, ``gt`` and the like.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
