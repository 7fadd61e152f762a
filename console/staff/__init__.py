"""Staff accounts, roles and permissions, sign-in with TOTP, sessions, staff administration."""
