"""Production settings plus the two floor views, for ``bench/load.py`` only.

The floors are what the framework costs on this machine, measured in the same run as the app's
pages: a bare view, and a signed-in view behind the same middleware that loads the session and
the user, runs one query and renders a small template. They exist only under this module; no
production URL reaches them. "I prayed" may be tapped as fast as the load generator can.
"""

from config.settings import *  # noqa: F403
from config.settings import RATE_LIMITS

ROOT_URLCONF = "bench.urls"
RATE_LIMITS = {**RATE_LIMITS, "pray": "1000000/m"}
