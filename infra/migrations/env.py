from alembic import context
from sqlalchemy import create_engine

from infra.models import Base

url = context.config.attributes["url"]
schema = context.config.attributes.get("schema")
connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
engine = create_engine(url, connect_args=connect_args)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, version_table_schema=schema,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
engine.dispose()
