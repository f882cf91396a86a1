"""Blueprints: parse the request, call one service, render or return JSON."""
