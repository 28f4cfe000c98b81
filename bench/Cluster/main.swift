print("bench-cluster: filled by the clustering issue")
