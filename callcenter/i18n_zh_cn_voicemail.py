"""Simplified Chinese texts of voicemail: the agent's pane and its errors."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_VOICEMAIL: Final[dict[str, str]] = {
    "voicemail.not_found": "没有这条语音留言。",
    "voicemail.not_yours": "这条语音留言没有分配给您。",
    "voicemail.file_unreadable": "引擎无法读取语音留言的音频文件：{reason}",
    "voicemail.file_missing": "这条语音留言的音频不可用（无法读取文件）。",
    "voicemail.mail.subject": "来自 {caller} 的新语音留言",
    "voicemail.mail.body": (
        "{caller}（{number}）给 {queue} 队列留下了 {seconds} 秒的语音留言。"
        "录音见附件；坐席将在工作台中收到它。"
    ),
    "ui.voicemail.title": "语音留言",
    "ui.voicemail.none": "没有给您的语音留言。",
    "ui.voicemail.from": "来自",
    "ui.voicemail.duration": "时长",
    "ui.voicemail.seconds": "{seconds} 秒",
    "ui.voicemail.transcript": "文字记录",
    "ui.voicemail.no_transcript": "没有文字记录。",
    "ui.voicemail.call_back": "回拨",
    "ui.voicemail.calling": "您的话机正在振铃；接听后即呼叫客户。",
    "ui.voicemail.no_number": "来电号码已隐藏。",
    "ui.voicemail.done": "完成 — 事后处理",
}
