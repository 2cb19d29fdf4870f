"""Infrastructure: deployed definitions, task forms, stored files, notifications, mail, health, demo data."""
