"""Pages of personnel, mounted at /personnel/ (namespace "personnel"). The establishment,
institutions, people and posts first; the secondments, stationed units and training below."""

from django.urls import path

from . import views_cadres as cadres
from . import views_staffing as staffing

app_name = "personnel"

urlpatterns = [
    # --- establishment, institutions, people and posts (p1) ---
    path("staffing/", staffing.StaffingIndexView.as_view(), name="staffing"),
    path("staffing/towns/<int:pk>/", staffing.TownStaffingView.as_view(), name="town-staffing"),
    path("staffing/towns/<int:pk>/chart/", staffing.town_staffing_chart, name="town-staffing-chart"),
    path("staffing/towns/<int:pk>/staffing.pdf", staffing.town_staffing_pdf, name="town-staffing-pdf"),
    path("people/", staffing.PersonListView.as_view(), name="person-list"),
    path("people/new/", staffing.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/", staffing.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/exit/", staffing.PersonExitView.as_view(), name="person-exit"),
    path("people/<int:pk>/move/", staffing.PersonMoveView.as_view(), name="person-move"),
    path("people/<int:pk>/rank-up/", staffing.PersonRankUpView.as_view(), name="person-rank-up"),
    path("institutions/", staffing.InstitutionListView.as_view(), name="institution-list"),
    path("posts/", staffing.PostListView.as_view(), name="post-list"),
    path("posts/new/", staffing.PostCreateView.as_view(), name="post-create"),
    path("plans/", staffing.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", staffing.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", staffing.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/lines/", staffing.PlanLineAddView.as_view(), name="plan-line-add"),
    path("plans/<int:pk>/submit/", staffing.PlanSubmitView.as_view(), name="plan-submit"),
    path("plans/<int:pk>/approve/", staffing.PlanApproveView.as_view(), name="plan-approve"),
    path("plans/<int:pk>/reject/", staffing.PlanRejectView.as_view(), name="plan-reject"),
    path("approvals/", staffing.ApprovalListView.as_view(), name="approval-list"),
    path("approvals/new/", staffing.ApprovalCreateView.as_view(), name="approval-create"),
    path("payroll/", staffing.PayrollListView.as_view(), name="payroll-list"),
    path("payroll/new/", staffing.PayrollCreateView.as_view(), name="payroll-create"),
    path("cross-check/", staffing.CrossCheckView.as_view(), name="cross-check"),
    # --- secondments, stationed units, certificates and training (p2) ---
    path("secondments/", cadres.SecondmentListView.as_view(), name="secondment-list"),
    path("secondments/new/", cadres.SecondmentCreateView.as_view(), name="secondment-create"),
    path("secondments/<int:pk>/", cadres.SecondmentDetailView.as_view(), name="secondment-detail"),
    path("secondments/<int:pk>/end/", cadres.SecondmentEndView.as_view(), name="secondment-end"),
    path("units/", cadres.StationedUnitListView.as_view(), name="unit-list"),
    path("units/new/", cadres.StationedUnitCreateView.as_view(), name="unit-create"),
    path("units/<int:pk>/", cadres.StationedUnitDetailView.as_view(), name="unit-detail"),
    path("units/<int:pk>/consult/", cadres.ConsultationRequestView.as_view(), name="unit-consult"),
    path("consultations/<int:pk>/reply/", cadres.ConsultationReplyView.as_view(), name="consultation-reply"),
    path("consultations/<int:pk>/coordinate/", cadres.ConsultationCoordinateView.as_view(),
         name="consultation-coordinate"),
    path("consultations/<int:pk>/appoint/", cadres.ConsultationAppointView.as_view(), name="consultation-appoint"),
    path("appointments/<int:pk>/opinion/", cadres.OpinionDeliverView.as_view(), name="appointment-opinion"),
    path("appointments/<int:pk>/appraisal/", cadres.AppraisalProposeView.as_view(), name="appointment-appraisal"),
    path("appraisals/<int:pk>/confirm/", cadres.AppraisalConfirmView.as_view(), name="appraisal-confirm"),
    path("opinions/", cadres.OpinionListView.as_view(), name="opinion-list"),
    path("opinions/<int:pk>/", cadres.OpinionDetailView.as_view(), name="opinion-detail"),
    path("opinions/<int:pk>/handle/", cadres.OpinionHandleView.as_view(), name="opinion-handle"),
    path("certificates/", cadres.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/new/", cadres.CertificateCreateView.as_view(), name="certificate-create"),
    path("certificates/<int:pk>/", cadres.CertificateDetailView.as_view(), name="certificate-detail"),
    path("certificates/<int:pk>/revoke/", cadres.CertificateRevokeView.as_view(), name="certificate-revoke"),
    path("training/", cadres.TrainingListView.as_view(), name="training-list"),
    path("training/new/", cadres.TrainingCreateView.as_view(), name="training-create"),
]
