__version__ = "0.1.0"

#: The languages of every site, each built as its own MkDocs project.
LANGUAGES = ("zh", "en")
