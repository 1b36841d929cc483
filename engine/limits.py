"""Bounds on what one diagram may make the engine do: validation refuses past them, the runtime stops past them."""

MAX_CALL_DEPTH = 16  # nested call activities and subprocesses; ours nest at most 3 deep
MAX_AUTOMATIC_STEPS = 500  # per user action; a loop of automatic steps stops here instead of holding a worker
MAX_LOOP = 100  # a standard loop's loopMaximum
MAX_INSTANCES = 1000  # a literal multi-instance cardinality
MAX_NAME = 200  # an element's name: it is stored with tasks, versions and the audit trail
