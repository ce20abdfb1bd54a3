"""Command families of the ``cancer-alliance`` CLI; each module has ``register(app)``."""
