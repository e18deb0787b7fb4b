"""The application: settings, wiring, lifecycle and the command line."""
