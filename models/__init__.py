"""The shipped rejection model (installed as ``detector.models``); data only."""
