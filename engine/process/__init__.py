"""Design time: reading and checking BPMN, DMN and form files (definitions, lint, bpmnlint), importing
foreign BPMN, deploying them as process versions, the designer's studio and the meaning of each version."""
