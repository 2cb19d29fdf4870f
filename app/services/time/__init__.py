"""Time: clock control, working-day calendar admin, statutory deadlines, recurring starts, the scheduler tick."""
