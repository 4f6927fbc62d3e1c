"""Simplified Chinese texts of fax (the same codes as :mod:`callcenter.i18n_en_fax`)."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_FAX: Final[dict[str, str]] = {
    "fax.error": "无法处理该传真。",
    "fax.disabled": "传真功能未启用。",
    "fax.not_found": "没有这份传真。",
    "fax.not_yours": "这份传真属于其他坐席的工作。",
    "fax.bad_number": "请输入传真号码：数字，可以 + 开头。",
    "fax.too_large": "文件超过允许的大小（{limit} 字节）。",
    "fax.not_pdf": "只能传真 PDF 文件。",
    "fax.unreadable": "无法读取该 PDF；请重新另存为 PDF 后再试。",
    "fax.timeout": "PDF 转换时间过长；请发送更短或更简单的文件。",
    "fax.no_ghostscript": "服务器无法将 PDF 转为传真（未安装 ghostscript）。",
    "fax.file_missing": "服务器看不到传真文件（{path}）；请检查共享的传真目录。",
    "conversation.system.fax_received": "收到一份传真。",
    "conversation.system.fax_failed": "有传真来电，但传真失败；请查看错误信息。",
    "ui.fax.title": "传真",
    "ui.fax.inbox": "待处理的传真",
    "ui.fax.empty": "没有待处理的传真。",
    "ui.fax.sent": "已发送的传真",
    "ui.fax.send": "发送传真",
    "ui.fax.number": "传真号码",
    "ui.fax.document": "PDF 文件",
    "ui.fax.customer_id": "客户编号（可选）",
    "ui.fax.send_button": "发送传真",
    "ui.fax.queued": "传真正在发送。",
    "ui.fax.from": "发件方",
    "ui.fax.to": "收件方",
    "ui.fax.station": "传真机标识",
    "ui.fax.pages": "页数",
    "ui.fax.attempts": "尝试次数",
    "ui.fax.error": "错误",
    "ui.fax.download": "下载 PDF",
    "ui.fax.no_document": "没有收到文件。",
    "ui.fax.status.pending": "等待重试",
    "ui.fax.status.sending": "发送中",
    "ui.fax.status.done": "完成",
    "ui.fax.status.failed": "失败",
}
