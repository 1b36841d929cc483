"""Running the system: backup and restore, the administrator's commands (users, roles, audit verification)
and the demo data."""
