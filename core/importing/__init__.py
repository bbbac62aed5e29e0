"""Generic import and export (issue 7 §1): files, cells, a ServiceResource base, one job model,
one Celery task and one set of pages. An app declares a resource and registers it:

    from core import importing
    importing.register("finance.rebate", RebateResource, label=_("返还款"), export_queryset=...)

See ``registry`` for the declaration, ``resources`` for the resource base, ``services`` for jobs.
"""

from .registry import register, register_app  # noqa: F401 - the declaration apps call
