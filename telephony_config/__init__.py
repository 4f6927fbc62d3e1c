"""telephony_config package."""
