"""Thin blueprints: parse the request, call one service, render."""
from flask import current_app, request


def office():
    """The app's Madoguchi state: settings, store, secret, clock."""
    return current_app.extensions["madoguchi"]


def base_url() -> str:
    return office().settings.PUBLIC_BASE_URL or request.host_url
