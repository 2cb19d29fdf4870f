"""The running of instances: start, step (state, read models, effects), timers, suspend/resume/terminate."""
