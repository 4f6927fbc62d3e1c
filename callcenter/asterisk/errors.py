"""Errors of the Asterisk adapters.

AsteriskError
 ├── UnsafeAmiValue        a header value with CR/LF/NUL (injection attempt or bad data)
 ├── AmiError
 │    ├── AmiLoginFailed   wrong username/secret (not retried in a tight loop)
 │    ├── AmiNotConnected  no live manager session right now
 │    ├── AmiActionFailed  Response: Error (message from Asterisk kept)
 │    └── AmiActionLost    connection dropped while the action was in flight (never re-sent)
 │         └── AmiActionTimeout  no answer within the action timeout (not re-sent either)
 └── AgiError
      ├── UnsafeAgiArgument   an argument that would add a command (CR/LF/NUL)
      ├── AgiProtocolError    a line that is not a valid AGI answer
      ├── AgiInvalidCommand   510 / 520 answers
      ├── AgiChannelGone      the channel hung up or was redirected (result=-1, HANGUP line, EOF)
      └── AgiTimeout          no answer within the command timeout
"""

from __future__ import annotations


class AsteriskError(Exception):
    code = "asterisk.error"


class UnsafeAmiValue(AsteriskError):
    code = "asterisk.unsafe_value"

    def __init__(self, key: str, value: str) -> None:
        self.key = key
        super().__init__(
            f"refused AMI value for {key!r}: it contains a line break or NUL byte "
            f"(would inject headers); got {value[:40]!r}"
        )


class AmiError(AsteriskError):
    code = "asterisk.ami"


class AmiLoginFailed(AmiError):
    code = "asterisk.ami_login_failed"


class AmiNotConnected(AmiError):
    code = "asterisk.ami_not_connected"


class AmiActionFailed(AmiError):
    code = "asterisk.ami_action_failed"

    def __init__(self, action: str, message: str) -> None:
        self.action = action
        self.asterisk_message = message
        super().__init__(f"Asterisk refused {action}: {message}")

    @property
    def channel_gone(self) -> bool:
        """Asterisk has no such channel (or it is hanging up): the party left; retrying is useless.

        manager.c words it per action: "No such channel" (Hangup, Setvar, Getvar, Status...),
        "Channel does not exist: <name>" and "Redirect failed, channel not up." (Redirect).
        """
        message = self.asterisk_message
        return message in _CHANNEL_GONE or message.startswith("Channel does not exist:")


_CHANNEL_GONE = frozenset({"No such channel", "Redirect failed, channel not up."})


class AmiActionLost(AmiError):
    """The connection dropped before the answer came; the action is not re-sent."""

    code = "asterisk.ami_action_lost"


class AmiActionTimeout(AmiActionLost):
    """No answer in time; the action may or may not have run, and it is not re-sent."""

    code = "asterisk.ami_action_timeout"


class AgiError(AsteriskError):
    code = "asterisk.agi"


class UnsafeAgiArgument(AgiError):
    code = "asterisk.agi_unsafe_argument"

    def __init__(self, value: str) -> None:
        super().__init__(
            f"refused AGI argument: it contains a line break or NUL byte (would inject a command); "
            f"got {value[:40]!r}"
        )


class AgiProtocolError(AgiError):
    code = "asterisk.agi_protocol"


class AgiInvalidCommand(AgiError):
    code = "asterisk.agi_invalid_command"


class AgiChannelGone(AgiError):
    """The caller hung up, or the channel left AGI (AMI Redirect/Bridge): stop at once."""

    code = "asterisk.agi_channel_gone"


class AgiTimeout(AgiError):
    code = "asterisk.agi_timeout"
