from django.db import models


class Category(models.TextChoices):
    """Kinds of administrative power (DOMAIN.md §2)."""

    LICENSING = "licensing", "行政许可"
    APPROVAL = "approval", "行政审批"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    CONFIRMATION = "confirmation", "行政确认"
    LEVY = "levy", "行政征收"
    BENEFIT = "benefit", "行政给付"
    REWARD = "reward", "行政奖励"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"
    IN_FORCE = "in_force", "施行中"
    SUSPENDED = "suspended", "暂停"
    WITHDRAWN = "withdrawn", "已收回"


class BatchState(models.TextChoices):
    """A batch's stage, derived from its publication and effective dates (Batch.state)."""

    OPEN = "open", "待公布"
    PUBLISHED = "published", "已公布"
    IN_FORCE = "in_force", "已施行"


class Mode(models.TextChoices):
    """How a power reaches the receiving body (DOMAIN.md §2)."""

    DEVOLVE = "devolve", "下放"
    AUTHORISE = "authorise", "授权"
    ENTRUST = "entrust", "委托"
    FRONT_DESK = "front_desk", "窗口前移"


class TakeOverStatus(models.TextChoices):
    ASSIGNED = "assigned", "待承接"
    TAKEN_OVER = "taken_over", "已承接"
    REVOKED = "revoked", "已收回"


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "工作日"
    DAYS = "days", "自然日"


class Outcome(models.TextChoices):
    APPROVED = "approved", "准予"
    REFUSED = "refused", "不予"
    PENALISED = "penalised", "处罚"
    OTHER = "other", "其他办结"


class TrainingKind(models.TextChoices):
    HAND_OVER = "hand_over", "放权培训"
    TAKE_OVER = "take_over", "接权培训"
    TOPIC = "topic", "行权事项专题培训"


class FilingState(models.TextChoices):
    """Derived from due date, filing date and today (core.deadlines.deadline_status)."""

    PENDING = "pending", "待备案"
    ON_TIME = "on_time", "按时备案"
    LATE = "late", "逾期备案"
    OVERDUE = "overdue", "已逾期未备案"
