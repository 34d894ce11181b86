"""The versioned JSON API: each app's api.py contributes a router."""

from cadence.api.setup import api

__all__ = ["api"]
