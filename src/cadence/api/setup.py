"""Assembles /api/v1 from each app's router. Placeholder: the API helper
fills in authentication, error handlers and routers."""

from ninja import NinjaAPI

api = NinjaAPI(title="Cadence API", version="1", urls_namespace="api-v1")
