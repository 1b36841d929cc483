"""OpenAPI links: how one answer's ids lead to the next call (start → matter → task → complete), for clients
and for schemathesis's stateful tests."""
from __future__ import annotations

_MATTER = {"instance_id": "$response.body#/id"}
_CURRENT = {"task_id": "$response.body#/current_tasks/0/id"}
_TASK = {"task_id": "$response.body#/id"}
_NEXT = {"task_id": "$response.body#/next_tasks/0/id"}

# (operation, status) → link name → (target operation, its parameters from this answer)
LINKS = {
    ("start", "201"): {"Matter": ("instance", _MATTER), "Comments": ("comment_list", _MATTER),
                       "Flowchart": ("flowchart", _MATTER)},
    ("instance", "200"): {"CurrentTask": ("task", _CURRENT), "CompleteCurrent": ("complete", _CURRENT),
                          "ReturnTargets": ("return_targets", _CURRENT), "Urge": ("urge", _CURRENT)},
    ("task", "200"): {"Complete": ("complete", _TASK), "ReturnTargets": ("return_targets", _TASK),
                      "Matter": ("instance", {"instance_id": "$response.body#/instance_id"})},
    ("complete", "200"): {"NextTask": ("task", _NEXT), "CompleteNext": ("complete", _NEXT),
                          "Matter": ("instance", {"instance_id": "$response.body#/instance/id"})},
}


def add_links(paths: dict) -> dict:
    """Put each operation's links on its answer in the document."""
    for operations in paths.values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                links = LINKS.get((operation["operationId"], status))
                if links:
                    answer["links"] = {name: {"operationId": target, "parameters": parameters}
                                       for name, (target, parameters) in links.items()}
    return paths
