"""The translation layer: every text a person sees goes through :func:`translate`.

Catalogues are keyed by stable message codes (the ``code`` of core exceptions and UI
strings). English is the fallback; Simplified Chinese ships with the product.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

SUPPORTED_LANGUAGES: Final = ("en", "zh_CN")

_CATALOGUES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "app.title": "Contact center",
        "demo.heading": "Live demo: simulated callers and agents",
        "demo.calls_live": "Calls in progress",
        "demo.calls_queued": "Waiting in queue",
        "demo.interactions": "Recent interactions",
        "demo.col.caller": "Caller",
        "demo.col.queue": "Queue",
        "demo.col.agent": "Agent",
        "demo.col.started": "Started",
        "demo.col.talk": "Talk time (s)",
        "demo.col.outcome": "Outcome",
        "demo.agents": "Agents",
        "demo.ami": "Asterisk manager connection",
        "state.connected": "connected",
        "state.disconnected": "disconnected",
        "outcome.answered": "answered",
        "outcome.abandoned": "abandoned",
        "outcome.failed": "failed",
        "outcome.ended_in_ivr": "ended in the IVR",
        "callcenter.config": "The configuration is invalid: {detail}",
        "asterisk.ami_login_failed": "Asterisk refused the manager login: check ami.username and ami.secret.",
    },
    "zh_CN": {
        "app.title": "呼叫中心",
        "demo.heading": "实时演示：模拟来电和坐席",
        "demo.calls_live": "进行中的通话",
        "demo.calls_queued": "排队等待",
        "demo.interactions": "最近的联络记录",
        "demo.col.caller": "来电号码",
        "demo.col.queue": "队列",
        "demo.col.agent": "坐席",
        "demo.col.started": "开始时间",
        "demo.col.talk": "通话时长（秒）",
        "demo.col.outcome": "结果",
        "demo.agents": "坐席",
        "demo.ami": "Asterisk 管理接口连接",
        "state.connected": "已连接",
        "state.disconnected": "已断开",
        "outcome.answered": "已接听",
        "outcome.abandoned": "已放弃",
        "outcome.failed": "失败",
        "outcome.ended_in_ivr": "在语音导航中结束",
        "callcenter.config": "配置无效：{detail}",
        "asterisk.ami_login_failed": "Asterisk 拒绝了管理接口登录：请检查 ami.username 和 ami.secret。",
    },
}


def translate(code: str, language: str = "en", **params: object) -> str:
    """Text for ``code`` in ``language`` (falls back to English, then to the code itself)."""
    catalogue = _CATALOGUES.get(language, _CATALOGUES["en"])
    template = catalogue.get(code) or _CATALOGUES["en"].get(code) or code
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def missing_translations() -> dict[str, set[str]]:
    """Codes present in English but absent from another catalogue (a test keeps this empty)."""
    english = set(_CATALOGUES["en"])
    return {lang: english - set(cat) for lang, cat in _CATALOGUES.items() if english - set(cat)}
