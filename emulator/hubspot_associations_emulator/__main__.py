"""``python -m hubspot_associations_emulator serve …``."""

import sys

from .cli import main

sys.exit(main())
