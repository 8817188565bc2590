"""Account changes announced by PostgreSQL itself: ``NOTIFY linli_account, '<account id>'``.

Every request signed in with a bearer token needs its account's current facts (role, status, token
version, communities served, child-data approvals). Reading them is one statement per request, and at the
benchmark's scale a statement costs the server more than its own CPU (the database competes for the same
cores): the account look-up was a third of a small answer's throughput. Workers therefore keep the facts
they read (:mod:`resolvers.account_cache`) and drop them when PostgreSQL announces a change: these triggers
notify on every update or delete of an account and on every change of a child-data approval, whatever
wrote it (a mutation, another worker, an operator's SQL), and the notification is delivered when the
writing transaction commits, to every worker listening.

SQLite has no notifications: there nothing is cached (each request reads the account, as before).
Every statement is idempotent (migration 0005 and the test template apply them).
"""

CHANNEL = "linli_account"
"""The notification channel; the payload is the account's id."""

ACCOUNT_EVENT_SQL = [
    f"""CREATE OR REPLACE FUNCTION linli_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', OLD.id::text);
    RETURN NULL;
END $$""",
    'DROP TRIGGER IF EXISTS linli_account_changed ON "account"',
    'CREATE TRIGGER linli_account_changed AFTER UPDATE OR DELETE ON "account" '
    "FOR EACH ROW EXECUTE FUNCTION linli_account_changed()",
    f"""CREATE OR REPLACE FUNCTION linli_approval_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('{CHANNEL}', OLD.staff_account_id::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('{CHANNEL}', NEW.staff_account_id::text);
    END IF;
    RETURN NULL;
END $$""",
    'DROP TRIGGER IF EXISTS linli_approval_changed ON "child_data_approval"',
    'CREATE TRIGGER linli_approval_changed AFTER INSERT OR UPDATE OR DELETE ON "child_data_approval" '
    "FOR EACH ROW EXECUTE FUNCTION linli_approval_changed()",
]


def account_event_sql(dialect: str) -> list[str]:
    """The triggers announcing account changes (PostgreSQL only)."""
    return list(ACCOUNT_EVENT_SQL) if dialect == "postgres" else []
