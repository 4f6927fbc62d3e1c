"""Sign-in, sessions, roles and the audit trail of the web app."""
