"""Conversations: web chat and e-mail as work items in the same ACD as calls.

``api`` is the seam the channel adapters (the web chat, the e-mail intake) code against;
``events`` are the facts the engine publishes on the bus about conversations.
"""
