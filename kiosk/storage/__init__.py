"""Storage: the only package that imports tinydb."""
from .locks import ServerAlreadyRunning, ServerLock
from .store import Store

__all__ = ["Store", "ServerLock", "ServerAlreadyRunning"]
