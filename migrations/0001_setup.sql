-- Shared helpers used by every later migration.

-- Keeps updated_at honest without every UPDATE having to remember it.
create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end;
$$;
