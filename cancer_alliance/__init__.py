"""Cancer Alliance platform."""
