"""The live flowchart: the graphviz drawing of a process with each step's state, and the cache that keeps
one drawing per matter current."""
