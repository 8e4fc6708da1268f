"""``python -m revolve.cli`` runs the command line, as ``python -m revolve`` does."""

import sys

from revolve.cli import main

if __name__ == "__main__":  # importing this module (pkgutil walks the package) must not run the command
    sys.exit(main())
