"""Platform members: the people who watch, subscribe and perform."""
