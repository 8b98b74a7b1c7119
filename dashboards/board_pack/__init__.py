"""The monthly board pack: content, chart images, PDF, and the actions that make and keep it."""
