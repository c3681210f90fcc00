"""``python -m benchmarks [--smoke]``: see `benchmarks.run`."""

import sys

from .run import main

sys.exit(main())
