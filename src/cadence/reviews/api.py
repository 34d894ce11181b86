"""The reviews part of /api/v1: rating scales and templates, cycles,
assignments and results, each area in its own module."""

from ninja import Router

from cadence.reviews import api_admin, api_cycles, api_nominations, api_results, api_writing

router = Router()
router.add_router("", api_admin.router)
router.add_router("", api_cycles.router)
router.add_router("", api_writing.router)
router.add_router("", api_nominations.router)
router.add_router("", api_results.router)
