"""The insights part of /api/v1: /insights/health, /ratings, /adverse-impact,
/pay-equity and /language. Thin: each calls the same functions as its page,
with the same scope and the same "not enough data" suppression."""

from ninja import Router

from cadence.insights import api_fairness, api_health, api_language, api_pay, api_ratings

router = Router()
router.add_router("", api_health.router)
router.add_router("", api_ratings.router)
router.add_router("", api_fairness.router)
router.add_router("", api_pay.router)
router.add_router("", api_language.router)
