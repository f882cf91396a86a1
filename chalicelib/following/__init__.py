"""Members follow themes, and hear of what was published in them in one morning digest."""
