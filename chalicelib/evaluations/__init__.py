"""A meeting's evaluation: the mail the day after, anonymous answers, and the results."""
