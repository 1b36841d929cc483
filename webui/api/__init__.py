"""The JSON API under /api/v1: bearer tokens, matters and tasks, flow actions, discussion, designs, imports, and
the OpenAPI document that describes it."""
