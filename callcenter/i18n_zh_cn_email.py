"""Simplified Chinese texts of the e-mail channel: intake, acknowledgements, replies, quarantine."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_EMAIL: Final[dict[str, str]] = {
    "email.error": "电子邮件渠道出错。",
    "email.not_found": "没有这封邮件。",
    "email.not_email_conversation": "此会话不是电子邮件会话。",
    "email.outgoing_failed": "邮件暂时无法发送；它仍在队列中，稍后会重试。",
    "email.disabled": "电子邮件渠道未启用。",
    "email.bad_customer_link": "请指定一个已有客户，或填写新客户的姓名。",
    "email.empty_reply": "回复内容为空。",
    "email.not_yours": "此电子邮件会话未分配给您。",
    "email.quarantine.unparsable": "完全无法读取此邮件。",
    "email.quarantine.broken_mime": "此邮件的 MIME 结构已损坏。",
    "email.quarantine.no_sender": "此邮件没有可用的发件人地址。",
    "email.quarantine.too_large": "此邮件超过允许的大小。",
    "email.ack.subject": "我们已收到您的来信 {tag}",
    "email.ack.body": (
        "{name}，您好：\n\n"
        "感谢您的来信。您的请求编号为 {ticket}，客服人员会尽快回复您。"
        "再次来信时请在主题中保留 {tag}。\n\n"
        "这是一封自动回复邮件。"
    ),
    "email.reply.quote_intro": "{name} 于 {date} 写道：",
    "email.transcript.subject": "您的在线聊天记录",
    "email.transcript.intro": "以下是您与我们的聊天记录。",
    "email.transcript.system": "（系统）",
    "ui.email.title": "电子邮件",
    "ui.email.from": "发件人",
    "ui.email.subject": "主题",
    "ui.email.attachments": "附件",
    "ui.email.reply": "回复",
    "ui.email.send": "发送回复",
    "ui.email.sent": "回复已排队等待发送",
    "ui.email.suggestions": "知识库建议",
    "ui.email.unknown_sender": "未知发件人",
    "ui.email.link_customer": "关联到客户编号",
    "ui.email.create_customer": "新建客户",
    "ui.email.linked": "已关联到客户",
    "ui.email.open": "打开邮件",
    "ui.email.none": "没有等待您处理的邮件。",
    "ui.email.new_name": "新客户姓名",
    "ui.email.quarantine": "隔离的邮件",
}
