"""Rate limiting: the window's arithmetic, the limiter, shared (Redis) windows, waiting twins."""
