"""Bundle tests import their hand-writing kit (zebkb_bundle_kit.py) from this folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
