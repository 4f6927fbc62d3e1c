"""The browser wire protocol of ``/ws``, owned by the web adapter.

- :mod:`.base`: what a message is, and :data:`PROTOCOL_VERSION` (``hello`` carries it; a page that
  speaks another version says so instead of misreading messages);
- :mod:`.messages`: the session (``hello``, ``ping``/``pong``, ``error``) and the screens' whole states
  (``snapshot`` for agents, ``wallboard`` for supervisors);
- :mod:`.event_messages`: engine events as the browsers receive them;
- :mod:`.routing`: domain event → message and audience, the one table;
- :mod:`.schema`: the catalogue and its JSON Schema (``GET /api/ws-protocol``);
- :mod:`.plain`: dataclasses → JSON-ready values.
"""
