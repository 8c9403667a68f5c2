"""Web app and REST API (FastAPI + Jinja2)."""
