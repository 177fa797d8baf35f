"""Framework integrations. Each module imports its framework lazily, so ``attesta`` itself has no
third-party dependencies; install the extra you need (``pip install attesta[langchain]`` …)."""
