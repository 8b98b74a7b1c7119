"""Governance: partners, people, workstreams, milestones, status reports and risks."""
