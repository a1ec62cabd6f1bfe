"""zebkb: the 23 special wards' offline knowledge base of ZEB/ZEH cases, visits and sessions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zebkb")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
