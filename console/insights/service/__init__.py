"""Insights services: every metric reads the rollup tables (never raw rows on a view) and requires INSIGHTS_READ."""
