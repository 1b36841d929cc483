"""Webhooks: events noticed in each transaction (events), written to an outbox with it, sent signed by the
worker (delivery), subscribed to by administrators (subscriptions)."""
