"""The knowledge library: materials and who may open them, speakers' uploads, organisers' documents, S3."""
