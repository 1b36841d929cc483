"""Running matters: the Runtime service that starts and completes them on SpiffWorkflow, the task mirror,
flow actions (return, withdraw, add signers, delegate), timers and the worker. What a task's form offers
and how a task is summarised for lists are built here, from the state the runtime keeps."""
