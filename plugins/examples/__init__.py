"""Example projects `confgen init --example NAME` starts from: one folder per example."""
