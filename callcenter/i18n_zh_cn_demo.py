"""演示模式中模拟访客、模拟邮件发件人和模拟座席的简体中文文本。"""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_DEMO: Final[dict[str, str]] = {
    "demo.chat.question.order": "您好，我的订单还没有到，能帮我查一下到哪里了吗？",
    "demo.chat.question.points": "您好！我有多少积分？怎么使用？",
    "demo.chat.question.address": "早上好，我上周搬家了，怎么修改收货地址？",
    "demo.email.subject.invoice": "请提供我最近一张发票的副本",
    "demo.email.body.invoice": "您好：\n\n请把我最近一张发票的副本发给我，谢谢。\n\n此致敬礼",
    "demo.email.subject.return": "退货",
    "demo.email.body.return": "您好：\n\n我买的鞋子太小了，请问怎么退货？\n\n谢谢",
    "demo.agent.chat_answer": "谢谢您，{name}。我已经查看了您的账户并处理好了。还有什么可以帮您的吗？",
    "demo.agent.email_answer": "尊敬的{name}：\n\n"
    "感谢您的来信。我们已经处理好了，您很快会收到确认。\n\n此致敬礼",
    "demo.agent.wrap_up_notes": "由演示模拟座席答复。",
}
