"""The home page: each role's work as counts that open the lists they count (sections.py), drawn by view.py."""
