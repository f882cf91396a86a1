"""CSV and Excel exports for organisers (an event's registrations, the newsletter's subscribers), built by a worker into S3."""
