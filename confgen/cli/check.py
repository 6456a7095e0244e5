"""confgen check commands."""
