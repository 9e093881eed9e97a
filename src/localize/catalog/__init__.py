"""Gettext catalogs: extraction, merging, translation memory and status (SPEC sections 3, 5, 8)."""
