"""Monitoring schemes, alert rules and alerts that say why they fired."""
