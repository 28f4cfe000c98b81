// JuleHarness: filled by its issue.
