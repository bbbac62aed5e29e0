"""Models of personnel, by topic: officers, certificates and training (certificates.py);
secondments, stationed units and their heads (cadres.py); establishment, institutions, people
and posts (staffing.py). Every name is re-exported here: import from ``personnel.models``."""

from .cadres import (
    ADJUSTMENT_LIMIT,
    AdjustmentOpinion,
    AppraisalGrade,
    ConsultationStatus,
    Coordination,
    HeadAppointment,
    HeadAppraisal,
    HeadConsultation,
    Reply,
    Secondment,
    StationedUnit,
    UnitKind,
)
from .certificates import (
    EnforcementCertificate,
    Officer,
    TrainingKind,
    TrainingRecord,
    certificate_valid_on,
)
from .staffing import (
    EstablishmentApproval,
    Institution,
    InstitutionPlan,
    InstitutionPlanLine,
    PayrollCount,
    Person,
    Post,
    StaffingMovement,
    id_birth_date,
    id_check_digit,
    id_number_problem,
)

__all__ = [
    "ADJUSTMENT_LIMIT",
    "AdjustmentOpinion", "AppraisalGrade", "ConsultationStatus", "Coordination", "EnforcementCertificate",
    "EstablishmentApproval", "HeadAppointment", "HeadAppraisal", "HeadConsultation", "Institution",
    "InstitutionPlan", "InstitutionPlanLine", "Officer", "PayrollCount", "Person", "Post", "Reply",
    "Secondment", "StaffingMovement", "StationedUnit", "TrainingKind", "TrainingRecord", "UnitKind",
    "certificate_valid_on", "id_birth_date", "id_check_digit", "id_number_problem",
]
