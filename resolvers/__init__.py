"""Application services: load, check, call the domain, persist. No GraphQL types here."""
