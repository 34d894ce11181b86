"""Security review fixtures: reuse the API token client helper."""

from tests.api.conftest import api  # noqa: F401
