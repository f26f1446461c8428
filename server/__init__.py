"""papersieve's local server: the Flask app, its SQLite store, per-profile models and the CLI."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("papersieve")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
