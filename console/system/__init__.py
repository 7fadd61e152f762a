"""Platform-wide settings stored as key/JSON pairs (seed 000's system_config)."""
