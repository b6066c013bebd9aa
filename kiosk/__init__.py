"""Madoguchi: an offline-first booking kiosk for public employment offices."""

__version__ = "0.1.0"
