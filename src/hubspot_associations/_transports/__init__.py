"""What the sync and async retrying transports share: retry bookkeeping and policy, and the
capped body reader."""
