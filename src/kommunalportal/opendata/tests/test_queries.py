"""Every open data page and file reads the same number of queries for one award or many."""

import pytest

from .conftest import award_to

pytestmark = pytest.mark.django_db

# What each address reads: index = programmes, years, calls, awards (2), the money (6); the list = the awards
# (2), their districts, the measure categories, and the filter's choices (3); a filter = one query for each
# value looked up; a file = the awards and their districts and categories (360Giving: the measures' dates and
# the state too).
QUERIES = {
    "/daten/": 11,
    "/daten/foerderungen/": 7,
    "/daten/foerderungen/?district=06435&kind=town&programme=SHH&sort=amount&seite=1": 9,
    "/daten/foerderungen/?format=csv": 4,
    "/daten/foerderungen/?format=xlsx": 4,
    "/daten/foerderungen/?format=json": 4,
    "/daten/foerderungen/?format=360giving": 6,
    "/daten/foerderungen/?format=360giving&district=06435": 7,
}
MORE = ("06435024", "06412000", "06435", "06411000", "06413000", "06434001", "06438001")


def read_all(client, django_assert_num_queries):
    for url, count in QUERIES.items():
        with django_assert_num_queries(count):
            response = client.get(url)
        assert response.status_code == 200, url


def test_the_same_queries_for_one_award_and_for_eight(paid, unpublished, call, reviewer, programme_manager, client,
                                                       django_assert_num_queries):  # fmt: skip
    read_all(client, django_assert_num_queries)
    for key in MORE:
        award_to(call, key, reviewer, programme_manager)
    read_all(client, django_assert_num_queries)
    assert client.get("/daten/foerderungen/?format=json").content.count(b'"decision_number"') == 8
