"""Tests for the telco integration."""
