"""Accounts: requests, approval, profiles, passwordless sign-in, CSRF tokens and rate limits."""
