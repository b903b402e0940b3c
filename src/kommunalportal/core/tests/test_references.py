import pytest
from django.db import transaction

from kommunalportal.core.models import ReferenceSequence
from kommunalportal.core.references import next_reference

pytestmark = pytest.mark.django_db


def test_references_count_up_per_prefix():
    assert [next_reference("ZB-2020") for _ in range(3)] == ["ZB-2020-0001", "ZB-2020-0002", "ZB-2020-0003"]
    assert next_reference("AB-2020") == "AB-2020-0001"
    assert next_reference("ZB-2020") == "ZB-2020-0004"
    assert ReferenceSequence.objects.get(prefix="ZB-2020").last_number == 4


def test_a_rolled_back_transaction_leaves_no_gap():
    next_reference("SHH-2020")

    def failing_act():
        with transaction.atomic():
            assert next_reference("SHH-2020") == "SHH-2020-0002"
            raise RuntimeError("the act failed after it took its number")

    with pytest.raises(RuntimeError, match="took its number"):
        failing_act()
    assert next_reference("SHH-2020") == "SHH-2020-0002"


def test_a_bulk_action_takes_consecutive_references_in_one_go():
    from kommunalportal.core.references import next_references

    next_reference("ZB-2021")
    assert next_references("ZB-2021", 3) == ["ZB-2021-0002", "ZB-2021-0003", "ZB-2021-0004"]
    assert next_references("ZB-2021", 0) == []
    assert next_references("AB-2021", 2) == ["AB-2021-0001", "AB-2021-0002"]
    assert next_reference("ZB-2021") == "ZB-2021-0005"
