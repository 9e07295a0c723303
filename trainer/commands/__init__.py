"""Sub-commands of the `trainer` CLI, one module per group; each has `register(subparsers)`."""
