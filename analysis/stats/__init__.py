"""Document-level statistics shared by slogans and keywords: tests, intervals, bootstrap, shrinkage."""
