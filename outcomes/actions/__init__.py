"""Every write to the measurement core goes through here: keyword-only, transactional, logged.

Views, management commands and Celery tasks call these functions and never save models themselves, so
the supersede rules for observations live in one place (``observations``). One module per kind of write:
``extracts`` (a file's arrival and outcome), ``observations`` (the load), ``rollups`` (practice to PCN and
borough), ``areas`` and ``charts`` (commentary and SPC re-bases).
"""

from .areas import set_area_code, set_area_status, set_practice_membership, upsert_area
from .charts import add_spc_rebase, write_commentary
from .extracts import create_extract, finish_extract, receive_extract, refuse_unread_extract
from .observations import LoadResult, load_observations
from .rollups import accept_coverage, derive_rollups

__all__ = [
    "LoadResult",
    "accept_coverage",
    "add_spc_rebase",
    "create_extract",
    "derive_rollups",
    "finish_extract",
    "load_observations",
    "receive_extract",
    "refuse_unread_extract",
    "set_area_code",
    "set_area_status",
    "set_practice_membership",
    "upsert_area",
    "write_commentary",
]
