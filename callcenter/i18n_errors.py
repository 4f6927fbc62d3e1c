"""Translations of the cores' error codes (``acd.*``, ``crm.*``, ``ivr.*``, ``asterisk.*``).

The cores raise errors with a stable ``code`` and ``params``; these templates turn them into
text for people. ``{name}`` placeholders are the error's params.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

ERROR_CATALOGUES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "acd.invalid_config": "Invalid routing configuration for {subject}: {problem}",
        "acd.unknown_queue": "Queue {queue} is not configured.",
        "acd.unknown_agent": "Agent {agent_id} is not logged in to routing.",
        "acd.unknown_item": "This contact is no longer waiting (already finished or never queued).",
        "acd.duplicate_item": "This contact is already queued.",
        "acd.offer_not_pending": "This offer is no longer pending (accepted, declined or expired).",
        "acd.illegal_transition": "Agent {agent_id} cannot {action} while {state}.",
        "acd.illegal_item_state": "This contact cannot {action} while {status}.",
        "acd.store_contention": "Too many simultaneous changes; please try again.",
        "crm.invalid_phone": "{number} is not a valid phone number (default region {region}).",
        "crm.invalid_email": "{email} is not a valid e-mail address.",
        "crm.field_too_long": "{field} is {length} characters long; the maximum is {max_length}.",
        "crm.missing_field": "{field} is required.",
        "crm.invalid_value": "{field} cannot be {value}; allowed: {allowed}.",
        "crm.import.invalid_mapping": "The column mapping is invalid: {reason}",
        "crm.import.conflict": "This row conflicts with an existing customer.",
        "crm.search.no_terms": (
            "Type part of a name, a number or an e-mail address: {text} has no letters or digits."
        ),
        "crm.number_in_use": "{number} already belongs to {customers}. Create the customer anyway?",
        "crm.import.unclosed_quote": "A quoted value opened on this line is never closed.",
        "crm.import.misplaced_quote": (
            "A quote is misplaced: a quoted value must end at a comma or at the end of the line."
        ),
        "crm.import.unreadable_line": "This line cannot be read as CSV: {reason}",
        "crm.import.value_over_lines": "{column} runs over several lines: a quote is probably not closed.",
        "crm.import.extra_values": "This line has {count} values; the header has {expected}.",
        "crm.import.not_utf8": (
            "The file is not UTF-8 text (line {line}): save it as CSV UTF-8 and import it again."
        ),
        "crm.import.bad_workbook": "The file cannot be read as an Excel workbook ({reason}).",
        "cli.error": "error: {problem}",
        "cli.db_unreachable": "Cannot reach the database {url}: {reason}",
        "cli.import.line": "line {line}: {problem}",
        "cli.import.more": "... and {count} more problems",
        "cli.import.unused_column": "column {column} is not imported (map it with --map FIELD={column})",
        "cli.import.summary": (
            "rows {rows}: created {created}, updated {updated}, skipped {skipped}, errors {errors}"
        ),
        "cli.import.rolled_back": (
            "rows {rows}, problems {count}: nothing was imported. Fix the lines above and import again, "
            "or keep the good rows with --partial."
        ),
        "crm.not_found": "{kind} {key} does not exist.",
        "crm.points.insufficient": "Customer {customer_id} has {balance} points; cannot redeem {requested}.",
        "crm.ticket.illegal_transition": "Ticket {ticket_id} cannot go from {current} to {target}.",
        "crm.routing.invalid": "Invalid routing setting.",
        "crm.routing.invalid_name": (
            "{field} “{value}” is not valid: use 1 to 40 letters, digits, '.', '_' or '-'."
        ),
        "crm.routing.invalid_skills": 'Skills must map skill names to levels, for example {{"sales": 3}}.',
        "crm.routing.too_many_skills": "{count} skills are too many; at most {maximum}.",
        "crm.routing.invalid_level": (
            "Skill {skill} cannot have level {value}: levels are whole numbers from 1 to 5."
        ),
        "crm.routing.invalid_capacity_map": (
            'Capacity must map channels to whole numbers, for example {{"chat": 3}}.'
        ),
        "crm.routing.invalid_capacity": (
            "{channel} capacity cannot be {value}: use a whole number from 0 to {maximum}."
        ),
        "crm.routing.unknown_channel": (
            "{channel} has no capacity setting; the channels are voice, chat and email."
        ),
        "crm.routing.no_capacity": "Agent {agent_id} needs a capacity of at least 1 on some channel.",
        "crm.routing.out_of_range": "{field} must be a number from {minimum} to {maximum}, not {value}.",
        "crm.routing.not_positive": "{field} must be a number above 0 and at most {maximum}, not {value}.",
        "crm.routing.not_whole": "{field} must be a whole number from {minimum} to {maximum}, not {value}.",
        "crm.routing.unknown_setting": "{field} is not a setting here; the settings are: {allowed}.",
        "crm.routing.unknown_agent": "Agent {agent_id} has no routing profile.",
        "crm.routing.unknown_queue": "Queue {queue} does not exist.",
        "crm.routing.unknown_skill": "No queue asks for skill {skill}; the queues' skills are: {allowed}.",
        "crm.user.agent_without_id": "User {username} has the agent role and needs an agent id.",
        "crm.callback.invalid_time": (
            "{value} is not a date and time with a UTC offset, such as 2030-01-15T09:30:00+08:00."
        ),
        "crm.callback.in_the_past": "The callback time {at} has passed; choose a time in the future.",
        "crm.callback.too_far": "The callback time {at} is more than {days} days ahead.",
        "crm.callback.closed": "Callback {callback_id} is {status}; only a pending or queued one can change.",
        "callcenter.not_waiting": "This caller is no longer waiting in a queue (answered, offered or gone).",
        "crm.callback.in_progress": (
            "Callback {callback_id} is being made right now; it can change once this attempt ends."
        ),
        "ivr.prompt_missing": "Prompt {prompt} does not exist; record it or fix the flow.",
        "ivr.crm_unavailable": "The CRM lookup failed: {reason}",
        "ivr.node_failed": "Node {node} of flow {flow} failed: {reason}",
        "ivr.step_limit": "Flow {flow} ran {steps} steps without ending; it probably loops.",
        "ivr.invalid_flow": "Flow {flow} was refused: {summary}",
        "ivr.unknown_flow": "Flow {flow} does not exist.",
        "ivr.unknown_version": "Flow {flow} has no version {version}.",
        "ivr.nothing_to_roll_back": "Flow {flow} has no earlier published version to roll back to.",
        "asterisk.ami_not_connected": "Asterisk is not reachable right now; try again in a moment.",
        "asterisk.ami_action_failed": "Asterisk refused the request.",
        "callcenter.no_active_call": "Agent {agent_id} has no call in progress.",
        "callcenter.bad_phone_number": "{number} is not a phone number that can be dialed.",
        "callcenter.call_not_transferable": "This call cannot be transferred: {why}.",
        "callcenter.agent_on_call": "Agent {agent_id} is on a call or being offered one; finish it first.",
        "callcenter.pbx_unavailable": "The phone system did not carry out the request ({detail}); try again.",
        "callcenter.pbx": "The phone system did not carry out the request ({detail}); try again.",
        "callcenter.pbx_unreachable": "The phone system is not reachable right now; try again in a moment.",
        "callcenter.pbx_no_answer": (
            "The phone system did not answer in time; check the call before trying again."
        ),
        "callcenter.pbx_refused": "The phone system refused the request ({detail}).",
        "callcenter.pbx_channel_gone": "That call is no longer there; the other party may have hung up.",
        "callcenter.phone_does_this": "Your softphone does {action} itself; use its button.",
        "callcenter.consult_target_busy": "Agent {agent_id} is not free for a consultation right now.",
        "callcenter.no_consultation": "Agent {agent_id}: {why}.",
    },
    "zh_CN": {
        "acd.invalid_config": "{subject} 的路由配置无效：{problem}",
        "acd.unknown_queue": "队列 {queue} 未配置。",
        "acd.unknown_agent": "坐席 {agent_id} 未登录路由。",
        "acd.unknown_item": "该联络已不在等待中（已结束或从未排队）。",
        "acd.duplicate_item": "该联络已在排队。",
        "acd.offer_not_pending": "该分配已失效（已接受、已拒绝或已超时）。",
        "acd.illegal_transition": "坐席 {agent_id} 在 {state} 状态下不能执行 {action}。",
        "acd.illegal_item_state": "该联络在 {status} 状态下不能执行 {action}。",
        "acd.store_contention": "同时修改过多，请重试。",
        "crm.invalid_phone": "{number} 不是有效的电话号码（默认地区 {region}）。",
        "crm.invalid_email": "{email} 不是有效的电子邮件地址。",
        "crm.field_too_long": "{field} 长度为 {length} 个字符，最多 {max_length} 个。",
        "crm.missing_field": "{field} 为必填项。",
        "crm.invalid_value": "{field} 不能为 {value}；允许的值：{allowed}。",
        "crm.import.invalid_mapping": "列映射无效：{reason}",
        "crm.import.conflict": "该行与已有客户冲突。",
        "crm.search.no_terms": "请输入姓名、号码或电子邮件地址的一部分：{text} 中没有字母或数字。",
        "crm.number_in_use": "{number} 已属于 {customers}。仍要创建该客户吗？",
        "crm.import.unclosed_quote": "此行开始的引号值没有闭合。",
        "crm.import.misplaced_quote": "引号位置错误：引号值之后必须是逗号或行尾。",
        "crm.import.unreadable_line": "此行无法按 CSV 读取：{reason}",
        "crm.import.value_over_lines": "{column} 跨越多行：可能有引号没有闭合。",
        "crm.import.extra_values": "此行有 {count} 个值，表头只有 {expected} 列。",
        "crm.import.not_utf8": "文件不是 UTF-8 文本（第 {line} 行）：请另存为 CSV UTF-8 后重新导入。",
        "crm.import.bad_workbook": "无法作为 Excel 工作簿读取该文件（{reason}）。",
        "cli.error": "错误：{problem}",
        "cli.db_unreachable": "无法连接数据库 {url}：{reason}",
        "cli.import.line": "第 {line} 行：{problem}",
        "cli.import.more": "……另有 {count} 个问题",
        "cli.import.unused_column": "列 {column} 未导入（可用 --map 字段={column} 映射）",
        "cli.import.summary": "共 {rows} 行：新建 {created}，更新 {updated}，跳过 {skipped}，错误 {errors}",
        "cli.import.rolled_back": (
            "共 {rows} 行，{count} 个问题：未导入任何数据。"
            "请修正以上各行后重新导入，或使用 --partial 保留正确的行。"
        ),
        "crm.not_found": "{kind} {key} 不存在。",
        "crm.points.insufficient": "客户 {customer_id} 有 {balance} 积分，不能兑换 {requested}。",
        "crm.ticket.illegal_transition": "工单 {ticket_id} 不能从 {current} 变为 {target}。",
        "crm.routing.invalid": "路由设置无效。",
        "crm.routing.invalid_name": "{field}“{value}”无效：请使用 1 到 40 个字母、数字、“.”、“_”或“-”。",
        "crm.routing.invalid_skills": '技能必须是技能名称到等级的映射，例如 {{"sales": 3}}。',
        "crm.routing.too_many_skills": "技能数量 {count} 过多，最多 {maximum} 个。",
        "crm.routing.invalid_level": "技能 {skill} 的等级不能为 {value}：等级须为 1 到 5 的整数。",
        "crm.routing.invalid_capacity_map": '容量必须是渠道到整数的映射，例如 {{"chat": 3}}。',
        "crm.routing.invalid_capacity": "{channel}容量不能为 {value}：请使用 0 到 {maximum} 的整数。",
        "crm.routing.unknown_channel": "{channel} 没有容量设置；渠道为 voice、chat 和 email。",
        "crm.routing.no_capacity": "坐席 {agent_id} 至少需要在一个渠道上有 1 以上的容量。",
        "crm.routing.out_of_range": "{field}必须是 {minimum} 到 {maximum} 之间的数字，不能为 {value}。",
        "crm.routing.not_positive": "{field}必须是大于 0 且不超过 {maximum} 的数字，不能为 {value}。",
        "crm.routing.not_whole": "{field}必须是 {minimum} 到 {maximum} 之间的整数，不能为 {value}。",
        "crm.routing.unknown_setting": "{field} 不是此处的设置项；可用的设置项：{allowed}。",
        "crm.routing.unknown_agent": "坐席 {agent_id} 没有路由配置。",
        "crm.routing.unknown_queue": "队列 {queue} 不存在。",
        "crm.routing.unknown_skill": "没有队列需要技能 {skill}；队列的技能有：{allowed}。",
        "crm.user.agent_without_id": "用户 {username} 是坐席角色，需要填写坐席工号。",
        "crm.callback.invalid_time": "{value} 不是带时区偏移的日期时间，例如 2030-01-15T09:30:00+08:00。",
        "crm.callback.in_the_past": "回电时间 {at} 已过，请选择将来的时间。",
        "crm.callback.too_far": "回电时间 {at} 超过 {days} 天之后。",
        "crm.callback.closed": "回电 {callback_id} 的状态为 {status}；只有待处理或排队中的回电可以修改。",
        "crm.callback.in_progress": "回电 {callback_id} 正在进行中；本次尝试结束后才能修改。",
        "callcenter.not_waiting": "该来电已不在队列中等待（已接听、正在分配或已挂断）。",
        "ivr.prompt_missing": "提示音 {prompt} 不存在；请录制或修改流程。",
        "ivr.crm_unavailable": "CRM 查询失败：{reason}",
        "ivr.node_failed": "流程 {flow} 的节点 {node} 出错：{reason}",
        "ivr.step_limit": "流程 {flow} 执行了 {steps} 步仍未结束，可能存在循环。",
        "ivr.invalid_flow": "流程 {flow} 被拒绝：{summary}",
        "ivr.unknown_flow": "流程 {flow} 不存在。",
        "ivr.unknown_version": "流程 {flow} 没有版本 {version}。",
        "ivr.nothing_to_roll_back": "流程 {flow} 没有可回滚的早期发布版本。",
        "asterisk.ami_not_connected": "暂时无法连接 Asterisk，请稍后再试。",
        "asterisk.ami_action_failed": "Asterisk 拒绝了该请求。",
        "callcenter.no_active_call": "坐席 {agent_id} 当前没有通话。",
        "callcenter.bad_phone_number": "{number} 不是可拨打的电话号码。",
        "callcenter.call_not_transferable": "该通话无法转接：{why}。",
        "callcenter.agent_on_call": "坐席 {agent_id} 正在通话或有来电分配，请先处理完。",
        "callcenter.pbx_unavailable": "电话系统未能执行该请求（{detail}），请重试。",
        "callcenter.pbx": "电话系统未能执行该请求（{detail}），请重试。",
        "callcenter.pbx_unreachable": "暂时无法连接电话系统，请稍后再试。",
        "callcenter.pbx_no_answer": "电话系统未及时响应；请先确认通话状态再重试。",
        "callcenter.pbx_refused": "电话系统拒绝了该请求（{detail}）。",
        "callcenter.pbx_channel_gone": "该通话已不存在，对方可能已挂断。",
        "callcenter.phone_does_this": "{action} 由您的软电话自行完成，请使用软电话上的按钮。",
        "callcenter.consult_target_busy": "坐席 {agent_id} 目前无法接受咨询。",
        "callcenter.no_consultation": "坐席 {agent_id}：{why}。",
    },
}
