"""The network portal: event pages, registration and (later) accounts and knowledge."""
