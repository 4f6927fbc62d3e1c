"""Adapters to Asterisk: AMI (manager) and FastAGI, and their wire formats."""
