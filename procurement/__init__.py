"""Departments' money: fiscal years and budget lines (later: the spend ledger, policy, reports)."""
