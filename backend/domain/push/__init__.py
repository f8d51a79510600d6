"""Web Push subscriptions of staff devices."""
