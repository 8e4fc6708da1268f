"""``python -m revolve`` runs the command line."""

import sys

from revolve.cli import main

sys.exit(main())
