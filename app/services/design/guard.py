"""Who may design: designers and administrators; a designer of a policy works on that policy's processes."""
from __future__ import annotations

from flask_babel import gettext as _

from app.errors import Forbidden
from app.models import User
from app.services.people.access import may_act_in_policy
from app.vocabulary import COMMON, ProcessKey, Role

DESIGN_ROLES = (Role.DESIGNER, Role.ADMIN)


def require_designer(user: User, process_key: str | None = None) -> None:
    """Refuse (403) anyone but a designer or administrator, and a designer of another policy's process."""
    if user.role not in DESIGN_ROLES:
        raise Forbidden(_("只有流程设计人员和系统管理员可以设计、部署和迁移流程"))
    if process_key is not None:
        policy = ProcessKey.parse(process_key).policy
        if policy != COMMON and not may_act_in_policy(user, policy):
            raise Forbidden(_("您只能设计本政策（%(own)s）的流程", own=user.policy or "-"))
