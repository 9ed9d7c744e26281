"""The common case-table chain (version table ``alembic_version``)."""
from infra.db import run_migrations
from infra.models import Base

run_migrations(Base.metadata)
