"""Guard posts, shifts, the incident log and the blocklist."""
