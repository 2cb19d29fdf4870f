"""Work on human tasks: the one door for viewing, claiming, drafting and completing a task; the inbox."""
