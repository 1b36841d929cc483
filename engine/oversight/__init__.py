"""What auditors and supervisors read: the dashboard of every matter, exports, statistics and the
heatmap, refused to anyone else."""
