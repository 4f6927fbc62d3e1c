"""Simplified Chinese texts of statistics and wallboard per channel, and of moving waiting chats / e-mails."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_CHSTATS: Final[dict[str, str]] = {
    "ui.chstats.title": "各渠道队列",
    "ui.chstats.channel": "渠道",
    "ui.chstats.waiting": "等待中",
    "ui.chstats.longest_wait": "最长等待",
    "ui.chstats.offered": "进线",
    "ui.chstats.answered": "已接待",
    "ui.chstats.abandoned": "放弃",
    "ui.chstats.service_level": "服务水平",
    "ui.chstats.target": "目标",
    "ui.chstats.asa": "平均应答时间",
    "ui.chstats.within_s": "{n} 秒内接待",
    "ui.chstats.within_h": "{n} 小时内首次回复",
    "ui.chstats.channel.voice": "电话",
    "ui.chstats.channel.chat": "在线聊天",
    "ui.chstats.channel.email": "电子邮件",
    "ui.chstats.channel.callback": "回拨",
    "ui.chstats.channel.fax": "传真",
    "ui.chstats.channel.voicemail": "语音留言",
    "ui.chstats.waiting_title": "等待中的联系",
    "ui.chstats.item_moved": "已转到另一队列，等待时间保留。",
    "ui.audit.waiting.move_item": "等待中的聊天 / 邮件被转移",
    "chstats.not_waiting": "该聊天或邮件已不在队列中等待（已被接待、正在分配或已结束）。",
    "chstats.phone_item": "等待中的来电请在其来电行中转移，不能作为聊天或邮件转移。",
}
