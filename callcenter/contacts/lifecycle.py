"""The contact lifecycle: one state machine for calls, chats, e-mails, voicemails and faxes (pure).

    inbound:  arrive ─► SELF_SERVICE ─queue─► QUEUED ─ring─► RINGING ─connect─► CONNECTED ⇄ HELD
    outbound: dial ──────────────────────────────────────► RINGING        (hold / resume)

    QUEUED ─leave the queue─► SELF_SERVICE        RINGING ─requeue─► QUEUED (offer not answered)
    CONNECTED / HELD ─consult─► CONSULTING ─end the consultation─► CONNECTED
                                CONSULTING ─hand over─► CONNECTED (the consulted agent's part)
    CONNECTED / HELD / CONSULTING ─transfer─► QUEUED (the next part, through the routing)
                                  ─transfer out─► TRANSFERRED ─queue─► QUEUED (nobody answered)
                                  ─wrap up(outcome)─► WRAP_UP ─finish wrap-up─► ENDED
    any live state ─end(outcome)─► ENDED (final)

Every transition checks the state it starts from and raises :class:`IllegalContactTransition`
instead of changing anything it should not. A transfer starts the next agent's part of the contact
(``transfers`` counts them). The outcome may be noted while the contact is live (the IVR chose
voicemail) and is fixed when it ends; "answered" needs an agent, "abandoned" (inbound) and
"not_answered" (outbound) need none.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from callcenter.contacts.errors import IllegalContactTransition
from callcenter.contacts.model import ContactKind, ContactState, ContactStatus, Direction, Outcome

S = ContactStatus
WITH_AGENT = frozenset({S.CONNECTED, S.HELD, S.CONSULTING})
LIVE = frozenset(ContactStatus) - {S.WRAP_UP, S.ENDED}


class Action(StrEnum):
    QUEUE = "queue"
    LEAVE_QUEUE = "leave the queue"
    RING = "ring"
    REQUEUE = "requeue"
    CONNECT = "connect"
    HOLD = "hold"
    RESUME = "resume"
    CONSULT = "consult"
    END_CONSULT = "end the consultation"
    HAND_OVER = "hand over"
    TRANSFER = "transfer"
    TRANSFER_OUT = "transfer out"
    NOTE_OUTCOME = "note an outcome"
    WRAP_UP = "wrap up"
    FINISH_WRAP_UP = "finish wrap-up"
    END = "end"


A = Action
ALLOWED_FROM: dict[Action, frozenset[ContactStatus]] = {
    # Queued again: to another queue, or after a transfer to an outside party nobody answered.
    A.QUEUE: frozenset({S.SELF_SERVICE, S.QUEUED, S.TRANSFERRED}),
    # Back to self-service: the queue refused the contact, or it became a callback request.
    A.LEAVE_QUEUE: frozenset({S.QUEUED}),
    # A new offer replaces one that lapsed while the agent's phone rang.
    A.RING: frozenset({S.QUEUED, S.RINGING}),
    # The offer did not reach the agent or was not answered. QUEUED: the engine gave up on the offer
    # already (a Redirect reported failed that Asterisk carried out), the phone system reports it too.
    A.REQUEUE: frozenset({S.RINGING, S.QUEUED}),
    A.CONNECT: frozenset({S.RINGING}),
    A.HOLD: frozenset({S.CONNECTED}),
    A.RESUME: frozenset({S.HELD}),
    A.CONSULT: frozenset({S.CONNECTED, S.HELD}),
    A.END_CONSULT: frozenset({S.CONSULTING}),
    A.HAND_OVER: frozenset({S.CONSULTING}),
    A.TRANSFER: WITH_AGENT,
    A.TRANSFER_OUT: WITH_AGENT,
    A.NOTE_OUTCOME: LIVE,
    A.WRAP_UP: WITH_AGENT,
    A.FINISH_WRAP_UP: frozenset({S.WRAP_UP}),
    A.END: LIVE,
}


def allows(rec: ContactState, action: Action) -> bool:
    return rec.status in ALLOWED_FROM[action]


def _check(rec: ContactState, action: Action, ok: bool = True, reason: str = "not allowed") -> None:
    if not allows(rec, action):
        allowed = ", ".join(sorted(s.value for s in ALLOWED_FROM[action]))
        reason, ok = f"only from {allowed}", False
    if not ok:
        raise IllegalContactTransition(
            kind=rec.kind.value, action=action.value, state=rec.status.value, reason=reason
        )


def _next(rec: ContactState, status: ContactStatus, now: float, **changes: object) -> ContactState:
    since = rec.since if status == rec.status else now
    return replace(rec, status=status, since=since, **changes)  # type: ignore[arg-type]


def _outcome_fits(rec: ContactState, outcome: Outcome) -> tuple[bool, str]:
    if outcome is Outcome.ANSWERED and rec.status not in WITH_AGENT:
        return False, "only a contact with an agent ends answered"
    if outcome in (Outcome.ABANDONED, Outcome.NOT_ANSWERED) and rec.status in WITH_AGENT:
        return False, f"a contact with an agent cannot end {outcome.value}"
    if outcome is Outcome.ABANDONED and rec.direction is not Direction.INBOUND:
        return False, "only an inbound contact is abandoned"
    if outcome is Outcome.NOT_ANSWERED and rec.direction is not Direction.OUTBOUND:
        return False, "only an outbound contact goes unanswered"
    return True, ""


# -- the start ------------------------------------------------------------------------------------
def arrive(kind: ContactKind, now: float) -> ContactState:
    """An inbound contact: it starts in self-service (IVR, bot, auto-reply) until it is queued."""
    return ContactState(kind, Direction.INBOUND, S.SELF_SERVICE, now)


def dial(kind: ContactKind, now: float) -> ContactState:
    """An outbound contact an agent makes: offered to that agent from the start."""
    return ContactState(kind, Direction.OUTBOUND, S.RINGING, now)


# -- towards an agent -----------------------------------------------------------------------------
def queue(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.QUEUE)
    return _next(rec, S.QUEUED, now)


def leave_queue(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.LEAVE_QUEUE)
    return _next(rec, S.SELF_SERVICE, now)


def ring(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.RING)
    return _next(rec, S.RINGING, now)


def requeue(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.REQUEUE)
    return _next(rec, S.QUEUED, now)


def connect(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.CONNECT)
    return _next(rec, S.CONNECTED, now)


# -- with an agent --------------------------------------------------------------------------------
def hold(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.HOLD)
    return _next(rec, S.HELD, now)


def resume(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.RESUME)
    return _next(rec, S.CONNECTED, now)


def consult(rec: ContactState, now: float) -> ContactState:
    """The agent consults a colleague or a number; the customer waits (held or not before)."""
    _check(rec, A.CONSULT)
    return _next(rec, S.CONSULTING, now)


def end_consult(rec: ContactState, now: float) -> ContactState:
    """The consultation is over without a transfer: the agent is back with the customer."""
    _check(rec, A.END_CONSULT)
    return _next(rec, S.CONNECTED, now)


def hand_over(rec: ContactState, now: float) -> ContactState:
    """Consultative transfer: the consulted agent has the customer now (their own part)."""
    _check(rec, A.HAND_OVER)
    return _next(rec, S.CONNECTED, now, transfers=rec.transfers + 1)


def transfer(rec: ContactState, now: float) -> ContactState:
    """Blind transfer through the routing (to a queue or a named agent): queued as the next part."""
    _check(rec, A.TRANSFER)
    return _next(rec, S.QUEUED, now, transfers=rec.transfers + 1)


def transfer_out(rec: ContactState, now: float) -> ContactState:
    """Transfer to an outside party (a phone number); it may come back to a queue if unanswered."""
    _check(rec, A.TRANSFER_OUT)
    return _next(rec, S.TRANSFERRED, now, transfers=rec.transfers + 1)


# -- the end --------------------------------------------------------------------------------------
def note_outcome(rec: ContactState, outcome: Outcome | None) -> ContactState:
    """The outcome the contact ends with unless told otherwise (None: no idea yet)."""
    _check(rec, A.NOTE_OUTCOME)
    return replace(rec, outcome=outcome)


def wrap_up(rec: ContactState, outcome: Outcome, now: float) -> ContactState:
    """The customer is gone; the agent still works on the contact."""
    _check(rec, A.WRAP_UP, *_outcome_fits(rec, outcome))
    return _next(rec, S.WRAP_UP, now, outcome=outcome)


def finish_wrap_up(rec: ContactState, now: float) -> ContactState:
    _check(rec, A.FINISH_WRAP_UP)
    return _next(rec, S.ENDED, now)


def end(rec: ContactState, outcome: Outcome, now: float) -> ContactState:
    _check(rec, A.END, *_outcome_fits(rec, outcome))
    return _next(rec, S.ENDED, now, outcome=outcome)
