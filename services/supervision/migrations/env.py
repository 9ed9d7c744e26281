"""The supervision read model's own alembic chain: version table ``alembic_version_supervision``, so it
never collides with the common case-table chain in ``infra/migrations``."""
from infra.db import run_migrations
from services.supervision.models import Base

run_migrations(Base.metadata, version_table="alembic_version_supervision")
