"""Oversight's records (DOMAIN.md §6), one module per part of the work: leading groups, meetings
and findings (meetings), the half-yearly supervision and its written report (supervision), the
yearly appraisal (appraisal), the auditor's report bundle (bundle)."""

from .appraisal import *  # noqa: F403
from .bundle import *  # noqa: F403
from .meetings import (
    ActionItem,
    AgendaLine,
    Attendance,
    Decision,
    Evidence,
    Finding,
    FindingReply,
    GroupMember,
    LeadingGroup,
    Meeting,
    SteeredTown,
)
from .supervision import *  # noqa: F403

__all__ = [
    "LeadingGroup",
    "GroupMember",
    "SteeredTown",
    "Meeting",
    "AgendaLine",
    "Attendance",
    "Decision",
    "ActionItem",
    "Finding",
    "FindingReply",
    "Evidence",
]
