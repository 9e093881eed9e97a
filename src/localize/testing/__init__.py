"""Test helpers shipped with the package: fake MT services speaking the real protocols."""
