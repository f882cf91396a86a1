"""What every capability shares: settings, AWS clients, clock, errors, i18n, rendering, entity and field declarations."""
