"""Saved audiences of premises, picked on the unit map, for mailings and surveys."""
