"""``python -m zebkb`` and the ``zebkb`` console script."""

import sys

from zebkb.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
