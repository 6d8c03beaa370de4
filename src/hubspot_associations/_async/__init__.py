"""The async-first modules: written once, rewritten into ``_sync/`` by ``make generate``.

Edit only these; codegen/unasync.py makes each sync twin (see CONTRIBUTING.md).
"""
