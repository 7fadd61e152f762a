"""The desktop-style shell and shared widgets every page uses."""
