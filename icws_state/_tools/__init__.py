"""The tools built on the cache: replaying an archive of logs (`batch`), and reporting on one log's replay
(`report_data` gathers what the page shows, `report_html` draws it). The ``icws-state`` commands of `_cli` are
thin front ends to these; the public names are exported by `icws_state`.
"""

from .batch import BatchRow, SequentialExecutor, run_batch
from .report_html import render_report

__all__ = ["BatchRow", "SequentialExecutor", "render_report", "run_batch"]
