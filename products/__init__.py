"""The data products: the boards people read and the metrics HTTP API, both served from the semantic
layer by one process (python -m products)."""
