"""Persistence: the only package that imports SQLAlchemy.

``schema`` defines revolve's tables, ``triggers`` the database-side guards of the journal,
``database`` opens engines and creates or migrates the schema, and ``transactions`` says where a unit
of work starts and ends. The books are read and written over a caller's connection by one module per
family of tables: ``funds`` (organisations, funds and the fund's head), ``accounts``, ``journal``
(entries, postings and the hash chain), ``households`` (with policies and batches), ``guarantors``,
``loans`` (with their schedules), ``receipts`` (with write-offs) and ``subsidies`` (bank loans,
subsidy payments and grants); ``figures`` and ``portfolio`` read the sums and the whole lending that
reports need, and ``audits`` the figures :mod:`revolve.invariants` judges. ``rows`` is the one place a
row becomes a domain value and back; ``lookup`` reads a fund's rows by id or code; ``driver`` runs
the statements built once at module level.
"""
