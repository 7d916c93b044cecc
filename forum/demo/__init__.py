"""The demo community that `make run` loads on first start."""
