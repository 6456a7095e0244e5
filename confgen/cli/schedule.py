"""confgen schedule commands."""
