"""The audit log: who changed what, written with each change, read a month at a time."""
