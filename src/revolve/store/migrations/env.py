"""Alembic environment for revolve's own tables.

revolve runs its migrations itself (``revolve.store.database.ensure_schema``) on the connection it is
given; a host that manages migrations with its own Alembic setup can point a second ``script_location``
at this folder and pass a connection in ``config.attributes["connection"]`` the same way, or run
``alembic -x url=postgresql+psycopg://... upgrade head`` with ``-c`` naming an ini whose
``script_location`` is this folder.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from revolve.store.schema import made_on, metadata

config = context.config
VERSION_TABLE = config.get_main_option("version_table") or "revolve_alembic_version"


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # revolve owns only the tables it prefixes; a host database may hold anything else
    if type_ == "table":
        return bool(name and name.startswith("revolve_")) and name != VERSION_TABLE
    # an index or constraint the metadata makes on the other dialect only (``ddl_if``) is not missing here
    return reflected or made_on(obj, context.get_bind().dialect.name)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_object=_include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against ``config.attributes['connection']``, or a URL given as ``-x url=...``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database as -x url=... or sqlalchemy.url in the ini")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("revolve's migrations run online only: they create triggers per dialect")
run_migrations_online()
