"""The HTTP and GraphQL edge of Linli: app, settings, context, loaders, permissions, errors, types."""
