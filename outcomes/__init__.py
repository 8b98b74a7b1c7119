"""The measurement core: areas, indicators, targets, observations, extracts and the statistics engine."""
