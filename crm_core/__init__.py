"""crm_core package."""
