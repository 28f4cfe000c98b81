// JuleCompute: filled by its issue.
