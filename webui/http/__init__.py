"""Request and response plumbing every page and API call shares: sign-in and tokens, security headers, error
pages, language, times, labels, rate limits, parameters and the front-end files."""
