// JuleCluster: filled by its issue.
