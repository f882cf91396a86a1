"""Registrations: seats and the waiting list, cancelling, check-in, exports, reminders and retention."""
