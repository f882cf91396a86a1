"""Scheduled: anonymise registrations RETENTION_DAYS after their event (AVG/GDPR).

Names, addresses, remarks and personal links go; status, organisation and role
stay, so counts and attendance figures survive. Idempotent: an event that is
done leaves the index this job reads, and a registration done twice is a no-op.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from chalicelib import stores
from chalicelib.core import clock, config

log = logging.getLogger(__name__)


def anonymise_old_registrations() -> int:
    cutoff = (clock.now().date() - timedelta(days=config.retention_days())).isoformat()
    now = clock.now().isoformat()
    done = 0
    registrations = stores.registrations()
    for event in stores.events().with_personal_data(until=cutoff):
        for reg in registrations.list_for_event(event.slug):
            registrations.anonymise(reg, now)
            done += 1
        stores.events().mark_anonymised(event.slug, now)
    log.info("registrations anonymised: %d", done)
    return done
