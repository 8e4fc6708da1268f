"""Persistence: the only package that imports SQLAlchemy.

``schema`` defines revolve's tables, ``triggers`` the database-side guards of the journal,
``database`` opens engines and creates or migrates the schema, and ``repository`` reads and writes the
books over a caller's connection.
"""
