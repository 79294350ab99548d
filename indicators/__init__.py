"""The indicator system as governed data: the dictionary and the governance check, both read from
the semantic manifest MetricFlow uses. `python -m indicators --help`."""
