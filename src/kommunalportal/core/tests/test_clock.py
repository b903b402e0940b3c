"""The services' clock: real time, or the moment the demo replays."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from kommunalportal.core import clock


def test_the_clock_tells_the_real_time_unless_a_moment_is_replayed():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()
    assert clock.today() == timezone.localdate()


def _replay_and_fail(moment):
    with clock.replaying(moment):
        assert clock.now() == moment
        assert clock.today() == date(2020, 10, 16)
        with clock.replaying(moment + timedelta(days=30)):
            assert clock.today() == date(2020, 11, 14)  # winter time: 23:30 in Hessen, still the 14th
        assert clock.now() == moment
        raise RuntimeError("the step failed")


def test_a_replayed_moment_holds_inside_and_ends_with_the_block_also_when_it_fails():
    moment = datetime(2020, 10, 15, 22, 30, tzinfo=UTC)  # already 16 October in Hessen
    with pytest.raises(RuntimeError):
        _replay_and_fail(moment)
    assert clock.now() - timezone.now() < timedelta(seconds=5)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"), clock.replaying(datetime(2020, 10, 15)):
        pass


def test_a_day_given_in_the_past_is_stamped_at_noon_in_the_portals_time_zone():
    moment = clock.noon(date(2020, 9, 14))
    assert timezone.localtime(moment).isoformat() == "2020-09-14T12:00:00+02:00"
