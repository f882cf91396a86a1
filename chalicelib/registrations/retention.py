"""Scheduled: anonymise registrations RETENTION_DAYS after their event (AVG/GDPR).

Names, addresses, remarks and personal links go; status, organisation and role
stay, so counts and attendance figures survive. Idempotent: an event that is
done leaves the index this job reads, and a registration done twice is a no-op.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from chalicelib.core import clock, config
from chalicelib.events.listings import event_listings
from chalicelib.events.store import event_store
from chalicelib.registrations.store import registration_store

log = logging.getLogger(__name__)


def anonymise_old_registrations() -> int:
    cutoff = (clock.now().date() - timedelta(days=config.retention_days())).isoformat()
    now = clock.now().isoformat()
    done = 0
    registrations = registration_store()
    for event in event_listings().with_personal_data(until=cutoff):
        for reg in registrations.list_for_event(event.slug):
            registrations.anonymise(reg, now)
            done += 1
        event_store().mark_anonymised(event.slug, now)
    log.info("registrations anonymised: %d", done)
    return done
