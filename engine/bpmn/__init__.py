"""BPMN underneath everything else: reading untrusted XML safely, form files, the names of a drawing's
steps, SpiffWorkflow's serialization and progress, the functions a designer may call, and the sandbox in
which a designer's expressions and scripts run. It knows no committee rule and no web page."""
