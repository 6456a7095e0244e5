"""confgen interop commands."""
