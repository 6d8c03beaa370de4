"""``python -m hubspot_associations.cli``: the same as the ``hubspot-associations`` command."""

import sys

from . import main

sys.exit(main())
