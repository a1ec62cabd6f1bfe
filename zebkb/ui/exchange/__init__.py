"""Exchange with other wards: import, export, conflicts, the exchange log, trusted keys."""
