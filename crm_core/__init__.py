"""crm_core: the customer database of the contact center (SQLAlchemy 2; SQLite or PostgreSQL).

Entry points (all services take a ``Session``; the caller owns the transaction; none reads the clock):

- ``db``: ``make_engine(url)``, ``make_session_factory(engine)``, ``migrate(url)`` (Alembic scripts
  shipped in ``crm_core/migrations``).
- ``customers.CustomerService``: create/search customers, phones (E.164), e-mails, notes, tags.
- ``search.CustomerSearch``: ranked, paged search by any part of a name, number or e-mail over the
  ``customer_search_terms`` index (terms from the pure ``search_terms``).
- ``lookup.ScreenPop``: caller number / e-mail / chat login -> ``KnownCaller`` (360° views) or
  ``UnknownCaller`` (new-caller card).
- ``interactions.InteractionLog``: the timeline; ``record(session, InteractionRecord)``.
- ``tickets.TicketService`` with the pure rules in ``ticket_rules`` (workflow, priority, SLA).
- ``callbacks.CallbackBook``: scheduled callbacks (pending → queued → done / failed / cancelled).
- ``value`` (pure RFM model), ``purchases`` (record purchases, refresh a customer's value).
- ``loyalty.LoyaltyLedger``: points that stay right under concurrency.
- ``knowledge.KnowledgeBase``: articles with full-text search.
- ``importer.CustomerImporter`` (with ``import_mapping``, ``import_files``),
  ``exporter.export_customers_csv``, ``demo_data.generate``.
- ``errors``: the exception tree (stable ``code`` + ``params`` for translation at the edge).
"""
