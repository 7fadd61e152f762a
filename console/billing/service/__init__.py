"""Billing operations. Every function takes `session` and `actor` keyword-only, authorises first, never commits —
except the few that must call Stripe between two commits (refund submission, reconcile), which say so."""
