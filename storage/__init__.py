"""Remembering: SQLAlchemy models, migrations and the store API. Never sends."""
