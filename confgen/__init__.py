__version__ = "0.1.0"

from confgen.languages import LANGUAGES  # noqa: F401  (one place: confgen/languages.py)
