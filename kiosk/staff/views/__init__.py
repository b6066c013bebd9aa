"""One module per console page: its page and the JSON endpoints it calls."""
