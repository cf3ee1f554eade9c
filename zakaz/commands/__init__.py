"""One module per `zakaz` sub-command, each with add_parser(sub, common) and run(args) -> int."""
