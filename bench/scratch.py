"""A throw-away database for a benchmark: never the one DATABASE_URL names, which may hold real data."""

from collections.abc import Callable


def postgres_scratch(url: str, suffix: str) -> tuple[Callable[[], str], Callable[[], None]]:
    """On the PostgreSQL server `url` names: make a fresh, empty database `<name>_<suffix>` (its URL is
    returned), and drop it again. The server's own database `postgres` does the work, so the named
    database need not exist."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    scratch = f"{name}_{suffix}"
    server = url.replace(f"/{name}", "/postgres", 1)

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))

    def fresh() -> str:
        drop()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        return url.replace(f"/{name}", f"/{scratch}", 1)

    return fresh, drop
