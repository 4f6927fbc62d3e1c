"""HTTP routes by area: agent, CRM, supervisor, admin, pages."""
