"""Storage: SQLAlchemy models, database set-up and migrations, repository functions."""
