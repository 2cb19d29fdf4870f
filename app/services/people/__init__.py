"""People and access: users, organisations, authentication, and who may see and do what."""
