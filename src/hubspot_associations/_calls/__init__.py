"""One facade call around its requests: per-call options, raw answers, lost answers
confirmed, stand-ins for what a release lacks."""
