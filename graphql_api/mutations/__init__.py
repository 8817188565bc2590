"""GraphQL mutations, named noun-then-verb, each returning a payload with `errors: [UserError!]!`."""
