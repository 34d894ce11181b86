"""The development part of /api/v1: improvement plans and development plans."""

from ninja import Router

from cadence.development import api_growth, api_pips

router = Router()
router.add_router("", api_pips.router)
router.add_router("", api_growth.router)
