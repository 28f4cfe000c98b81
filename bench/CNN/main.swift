print("bench-cnn: filled by the CNN engine issue")
