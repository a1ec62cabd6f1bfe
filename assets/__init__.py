"""Icons, translations and demo records, installed as the package ``zebkb.assets``.

They sit at the top of the source tree (where designers and translators look)
and are read through ``importlib.resources.files("zebkb.assets")`` so source,
installed and frozen runs use the same code.
"""
