"""Simplified Chinese texts of call recordings (same codes as ``i18n_en_recordings``)."""

from __future__ import annotations

from typing import Final

TEXTS_ZH_CN_RECORDINGS: Final[dict[str, str]] = {
    # errors
    "recording.error": "无法处理该录音。",
    "recording.not_found": "没有这条录音。",
    "recording.not_yours": "您只能播放自己通话的录音。",
    "recording.file_unavailable": "该录音文件不可用（{state}）。",
    "recording.file_not_visible": (
        "服务器无法读取录音文件：请检查录音目录是否已共享给引擎（recorder.engine_dir）。"
    ),
    "media.range_not_satisfiable": "请求的范围超出了文件末尾。",
    # UI
    "ui.recordings.title": "录音",
    "ui.recordings.recent": "我最近的通话录音",
    "ui.recordings.none": "没有录音。",
    "ui.recordings.play": "播放",
    "ui.recordings.download": "下载",
    "ui.recordings.paused": "已暂停（未录音）",
    "ui.recordings.no_pauses": "没有暂停片段。",
    "ui.recordings.state.recording": "录音中",
    "ui.recordings.state.complete": "已完成",
    "ui.recordings.state.missing": "文件缺失",
    "ui.recordings.state.deleted": "已删除（保留期满）",
    "ui.recordings.hold": "法律保留",
    "ui.recordings.hold_set": "已设置法律保留",
    "ui.recordings.hold_cleared": "已取消法律保留",
    "ui.recordings.queue": "队列",
    "ui.recordings.agents": "坐席",
    "ui.recordings.caller": "来电号码",
    "ui.recordings.started": "开始时间",
    "ui.recordings.duration": "时长",
    "ui.recordings.filter_agent": "坐席",
    "ui.recordings.filter": "筛选",
    "ui.recordings.retention_run": "立即执行保留策略",
    "ui.recordings.retention_done": "保留策略：已删除 {deleted} 条，{held} 条处于法律保留",
}
