"""The regional networks one deployment carries: which host names mean which network, and each
network's name, look and voice (core/tenancy.py holds the network a piece of work runs in)."""
