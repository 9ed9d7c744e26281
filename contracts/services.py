"""The services of jiefen, declared once: what a newcomer adding a service touches here (besides the
service's own package under services/).

``CASE_SERVICES`` names, per service, where its case types are defined (``module:attribute``, its own type
first). Code in contracts/ and infra/ never imports a service (tests/unit/test_imports.py): infra/registry.py
loads these definitions by name when a command needs them (migrations, docs, the supervision tables).
This is the one module in contracts/ and infra/ allowed to name a service's module."""
from __future__ import annotations

CASE_SERVICES: dict[str, tuple[str, ...]] = {
    "intake": ("services.intake.casetype:INTAKE",),
    "mediation": ("services.mediation.casetype:MEDIATION",),
    "diversion": ("services.diversion.casetype:DIVERSION", "services.diversion.jc_casetype:JUDICIAL_CONFIRMATION"),
    "petition": ("services.petition.casetype:PETITION",),
    "recommendation": ("services.recommendation.casetype:RECOMMENDATION",),
    "supervision": ("services.supervision.casetype:SUPERVISION",
                    "services.supervision.listed_casetype:LISTED_SUPERVISION",
                    "services.supervision.return_visit_casetype:RETURN_VISIT",
                    "services.supervision.warning_task_casetype:WARNING_TASK"),
}
# services that keep only their own tables (own alembic chain): name -> module:function(config)
READ_MODELS: dict[str, str] = {"supervision": "services.supervision.store:migrate"}
