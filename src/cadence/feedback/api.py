"""The feedback part of /api/v1: feedback and requests; 1:1s."""

from ninja import Router

from cadence.feedback import api_feedback, api_meetings

router = Router()
router.add_router("", api_feedback.router)
router.add_router("", api_meetings.router)
