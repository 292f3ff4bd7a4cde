"""System checks for what a production deploy needs beyond Django's own."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def throttle_cache_is_shared(app_configs, **kwargs) -> list[Warning]:
    """Behind a load balancer, throttles counted per process let each process be guessed at
    its own limit: the throttle cache has to be one every app process shares."""
    backend = settings.CACHES["throttle"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "Throttles (log-in failures, join codes, sign-ups) are counted per process.",
                hint="Set REDIS_URL so every app process shares one count.",
                id="stamp.W001",
            )
        ]
    return []
