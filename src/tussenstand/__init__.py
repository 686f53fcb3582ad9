"""tussenstand: the open monitor for Dutch municipal social-domain policy."""

__version__ = "0.2.0"
