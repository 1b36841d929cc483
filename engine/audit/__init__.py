"""The audit trail: who did what, when and on which element (trail), and the hash chain that makes a
changed, inserted or deleted event detectable (chain)."""
