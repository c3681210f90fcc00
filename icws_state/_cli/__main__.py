"""``python -m icws_state._cli``: the ``icws-state`` command, for when the console script is not installed."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
