"""Human references such as SHH-2020-0001, handed out by services (never by save()), gap-free per prefix."""

from django.db import connection, transaction

from .models import ReferenceSequence


def _increment() -> str:
    # One statement counts up and reads the number; its row lock makes concurrent callers queue until the
    # caller's transaction ends, so no number repeats and a rolled-back transaction leaves no gap.
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    return f"UPDATE {table} SET last_number = last_number + %s WHERE prefix = %s RETURNING last_number"  # noqa: S608  (the model's table, not input)


def next_reference(prefix: str) -> str:
    """The next reference for the prefix (SHH-2020 → SHH-2020-0001)."""
    return next_references(prefix, 1)[0]


@transaction.atomic(savepoint=False)
def next_references(prefix: str, count: int) -> list[str]:
    """The next `count` references for the prefix, consecutive, in one statement (for bulk actions)."""
    if count < 1:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_increment(), [count, prefix])
        row = cursor.fetchone()
        if row is None:  # the prefix's first number: create its counter (once, even when two race), then count
            ReferenceSequence.objects.get_or_create(prefix=prefix)
            cursor.execute(_increment(), [count, prefix])
            row = cursor.fetchone()
    last = row[0]
    return [f"{prefix}-{number:04d}" for number in range(last - count + 1, last + 1)]
