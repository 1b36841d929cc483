"""Running matters: the Runtime service that starts and completes them on SpiffWorkflow, the task mirror,
flow actions (return, withdraw, add signers, delegate), timers, the worker, and the sandbox in which a
designer's scripts run."""
