"""Monitoring and reporting: supervisors' instance board, overdue and deadlines board, dashboard, exports."""
