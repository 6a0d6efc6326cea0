"""The machinery: configuration, declared stages and their keys, the run order, caching, atomic writes, locks, worker pools, problems."""
