"""The use cases' refusals: a stable code (translated at the edge) and its parameters, no HTTP.

ServiceError (a CallCenterError)
 ├── NotYourInteraction   an agent wraps up an interaction another agent handled
 ├── DispositionRequired  the queue wants a disposition and none was given
 ├── BadDisposition       not one of the offered codes / sub-codes
 ├── NotYourCallback      an agent changes a callback neither promised by nor preferred for them
 ├── UnknownAgent         no routing profile for this agent id
 ├── BadTransferTarget    a waiting caller cannot move to the click-to-dial queue
 ├── ItemNotWaiting       a chat / e-mail to move is no longer waiting (taken, offered or gone)
 ├── PhoneItem            a caller is moved by their call, not as a bare work item
 ├── QueueInUse           a published IVR flow still sends callers to the queue
 ├── OwnAccount           an admin would lock themselves out (own role or deactivation)
 ├── SignInThrottled      too many wrong passwords: wait ``seconds``
 └── BadCredentials       unknown user, wrong password or deactivated account

The codes are the ones the web app has always answered with (``desktop.*``, ``auth.*``);
:mod:`agent_desktop.errors` maps each code to its HTTP status.
"""

from __future__ import annotations

from callcenter.errors import CallCenterError


class ServiceError(CallCenterError):
    code = "callcenter.refused"

    def __init__(self, **params: object) -> None:
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


class NotYourInteraction(ServiceError):
    code = "desktop.not_your_interaction"


class DispositionRequired(ServiceError):
    code = "desktop.disposition_required"


class BadDisposition(ServiceError):
    code = "desktop.bad_disposition"


class NotYourCallback(ServiceError):
    code = "desktop.not_your_callback"


class UnknownAgent(ServiceError):
    code = "desktop.unknown_agent"


class BadTransferTarget(ServiceError):
    code = "desktop.bad_transfer_target"


class QueueInUse(ServiceError):
    code = "desktop.queue_in_use"


class OwnAccount(ServiceError):
    code = "desktop.own_account"


class SignInThrottled(ServiceError):
    code = "auth.rate_limited"

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(seconds=seconds)


class BadCredentials(ServiceError):
    code = "auth.bad_credentials"


class ItemNotWaiting(ServiceError):
    code = "chstats.not_waiting"


class PhoneItem(ServiceError):
    code = "chstats.phone_item"
