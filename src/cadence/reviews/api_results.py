"""/api/v1 endpoints of the reviews app for results; mounted by reviews/api.py."""

from ninja import Router

router = Router(tags=["reviews"])
