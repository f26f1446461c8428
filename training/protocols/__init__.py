"""The measurement protocols: the methods compared, the replays, their statistics and tables."""
