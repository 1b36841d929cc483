"""Storage: the database and its transactions (one per user action, optimistic locking), the attachment
store on disk, one-time form tokens and the upsert helper. The tables themselves are in engine.models."""
