"""What auditors and supervisors read: the dashboard of every matter, exports, statistics and the
heatmap, refused to anyone else; and the accountability ledger (R21), of which anyone reads their own entry."""
