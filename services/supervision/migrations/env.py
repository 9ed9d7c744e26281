"""The supervision read model's own alembic chain: version table ``alembic_version_supervision``, so it
never collides with the common case-table chain in ``infra/migrations``."""
from alembic import context
from sqlalchemy import create_engine

from services.supervision.models import Base

url = context.config.attributes["url"]
schema = context.config.attributes.get("schema")
connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
engine = create_engine(url, connect_args=connect_args)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, version_table_schema=schema,
                      version_table="alembic_version_supervision", render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
engine.dispose()
