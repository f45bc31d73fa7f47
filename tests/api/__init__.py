"""Tests of the operator clients against the simulator."""
