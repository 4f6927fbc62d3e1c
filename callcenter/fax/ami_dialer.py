"""The fax call over AMI: ``Originate`` of the number over the trunk into ``SendFAX``."""

from __future__ import annotations

from callcenter.asterisk.ami_actions import AmiActions
from callcenter.asterisk.pbx_adapter import pbx_errors, trunk_number

SEND_TIMEOUT_MS = 60_000  # how long the far end may ring


class AmiFaxDialer:
    def __init__(self, ami: AmiActions, trunk: str) -> None:
        self._ami = ami
        self._trunk = trunk

    async def send_fax(self, number: str, tiff_path: str, channel_id: str) -> None:
        """``Originate Channel: PJSIP/4155550177@pstn-out / Application: SendFAX / Data: <tiff> /
        ChannelId: <channel_id> / ActionID: <channel_id> / Async: true``."""
        with pbx_errors("send fax"):
            await self._ami.originate(
                f"PJSIP/{trunk_number(number)}@{self._trunk}",
                application="SendFAX",
                data=tiff_path,
                timeout_ms=SEND_TIMEOUT_MS,
                action_id=channel_id,
                channel_id=channel_id,
            )
