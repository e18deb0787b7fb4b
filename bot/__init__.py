"""Fristad: an anonymous, secure chat service for people affected by violence in close
relationships."""
