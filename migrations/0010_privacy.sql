-- Reporters' privacy: when a report was withdrawn (its personal data is purged a set time
-- later), the indexes `fakewatch purge` walks, and the confirmation-mail budget of addresses
-- whose data was erased (see docs/privacy.md).

-- Set by the trigger below whichever code withdraws a report (the reporter, a confirmation
-- that replaces it, a moderator). Null for reports withdrawn before this migration: purge
-- counts from their updated_at instead, rather than rewriting every withdrawn row here
-- (which would bump updated_at and mark their listings changed for brand owners' exports).
alter table report add column withdrawn_at timestamptz;

create function report_set_withdrawn_at() returns trigger
language plpgsql as $$
begin
    new.withdrawn_at := case when new.status = 'withdrawn' then now() end;
    return new;
end;
$$;

create trigger report_withdrawn_at before update on report
    for each row when (old.status is distinct from new.status)
    execute function report_set_withdrawn_at();

-- Erasing and purging ask whether any report still holds an address's key (its mail and
-- confirmations go with the last one).
create index report_reporter_key_idx on report (reporter_key) where reporter_key is not null;
-- Purge: withdrawn reports whose personal data is still there, oldest withdrawal first.
create index report_withdrawn_unerased_idx on report ((coalesce(withdrawn_at, updated_at)))
    where status = 'withdrawn' and erased_at is null;
-- Purge: addresses never confirmed, oldest report first.
create index report_unconfirmed_address_idx on report (created_at)
    where confirmed_at is null and reporter_key is not null;
create index export_log_created_at_idx on export_log (created_at);
create index email_confirmation_expires_at_idx on email_confirmation (expires_at)
    where expires_at is not null;

-- Erasing an address's last report deletes its email_confirmation rows, which are also what
-- limits confirmation mails to 5 per address per 24 hours. So that "file with someone's
-- address, erase, file again" cannot mail them without end, the rows of the last 24 hours are
-- counted on here under a hash of the address's key (not the key itself, which is also the
-- report's fingerprint), and purged once they no longer count.
create function confirmation_budget_key(reporter_key bytea) returns bytea
language sql immutable parallel safe as $$
    select sha256('fakewatch confirmation budget:'::bytea || reporter_key)
$$;

create table confirmation_budget (
    confirmation_budget_id bigint generated always as identity primary key,
    budget_key             bytea not null,
    -- When the erased confirmation was made: it counts for 24 hours from then.
    counted_from           timestamptz not null,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    constraint confirmation_budget_key_length check (octet_length(budget_key) = 32)
);
create index confirmation_budget_key_idx on confirmation_budget (budget_key, counted_from);
create trigger confirmation_budget_updated_at before update on confirmation_budget
    for each row execute function set_updated_at();
