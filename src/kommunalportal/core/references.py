"""Human references such as SHH-2020-0001, handed out by services (never by save()), gap-free per prefix."""

from django.db import transaction

from .models import ReferenceSequence


@transaction.atomic
def next_reference(prefix: str) -> str:
    """The next reference for the prefix; the row lock makes concurrent callers queue, so none repeats."""
    sequence, _created = ReferenceSequence.objects.get_or_create(prefix=prefix)
    sequence = ReferenceSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}-{sequence.last_number:04d}"
