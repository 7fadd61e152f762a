"""Catalog: collections, videos (movies, series, episodes, live), seasons, performers, photos, links."""
