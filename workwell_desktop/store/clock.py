"""The hybrid logical clock lives in ``domain.clock``, shared with the server.

This name stays for the store's callers, as the very same module object, so there is
one clock (and a test that sets ``store.clock.wall_millis`` sets the clock's own).
"""

import sys

from ..domain import clock as _clock

sys.modules[__name__] = _clock
