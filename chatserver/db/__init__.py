"""Persistence: SQLAlchemy 2 models, the engine and the transaction helper."""
