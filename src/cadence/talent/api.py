"""The talent part of /api/v1: calibration sessions, their people and rater
effects, and succession plans."""

from ninja import Router

from cadence.talent import api_insight, api_sessions, api_succession

router = Router()
router.add_router("", api_sessions.router)
router.add_router("", api_insight.router)
router.add_router("", api_succession.router)
