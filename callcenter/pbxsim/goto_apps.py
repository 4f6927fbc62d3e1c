"""Dialplan flow applications: ``Set``, ``Goto`` and ``GotoIf`` (expressions in :mod:`expressions`).

A target is ``[[context,]exten,]priority`` where priority is a number or a label; ``GotoIf`` takes
``condition?if_true[:if_false]`` and goes on to the next priority when the chosen side is empty.
"""

from __future__ import annotations

import logging

from callcenter.pbxsim.channels import Channel, DialplanLocation
from callcenter.pbxsim.dialplan import find_steps, label_priority
from callcenter.pbxsim.pbx import Application, Pbx

log = logging.getLogger(__name__)


async def set_app(pbx: Pbx, chan: Channel, data: str) -> None:
    name, sep, value = data.partition("=")
    if not sep or not name.strip():
        log.warning("pbxsim Set() without NAME=value", extra={"channel": chan.name, "data": data})
        return
    pbx.set_var(chan, name.strip(), value)


async def goto_app(pbx: Pbx, chan: Channel, data: str) -> None:
    _go(pbx, chan, data)


async def goto_if_app(pbx: Pbx, chan: Channel, data: str) -> None:
    condition, _, branches = data.partition("?")
    if_true, _, if_false = branches.partition(":")
    target = if_true if condition.strip() not in ("", "0") else if_false
    if target:
        _go(pbx, chan, target)


def _go(pbx: Pbx, chan: Channel, target: str) -> None:
    parts = [part.strip() for part in target.split(",")]
    context, exten = chan.context, chan.exten
    if len(parts) == 3:
        context, exten = parts[0], parts[1]
    elif len(parts) == 2:
        exten = parts[0]
    steps = find_steps(pbx.plan, context, exten)
    priority = label_priority(steps, parts[-1]) if steps is not None else None
    if priority is None:
        # Asterisk: "Priority 'x' must be a number > 0, or valid label", and the channel hangs up.
        log.warning("pbxsim Goto to a missing place", extra={"channel": chan.name, "target": target})
        chan.hangup_cause = 0
        return
    chan.redirect_to = DialplanLocation(context, exten, priority)


GOTO_APPLICATIONS: dict[str, Application] = {"set": set_app, "goto": goto_app, "gotoif": goto_if_app}
