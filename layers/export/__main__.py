"""``python -m layers.export``: see :mod:`layers.export.cli`."""

import sys

from layers.export.cli import main

sys.exit(main())
