"""The office's rules: pure functions and small models, no Flask, no storage, `now` passed in."""
