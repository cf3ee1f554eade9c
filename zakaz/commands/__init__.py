"""One module per `zakaz` sub-command: each has add_parser(subparsers) and run(args) -> exit code."""
