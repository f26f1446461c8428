"""The real data sets read from ../shared/data, their term spaces and cached sentence embeddings."""
