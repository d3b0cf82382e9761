"""Storage: SQLAlchemy models, engine set-up and migrations. No Qt, no user interaction."""
