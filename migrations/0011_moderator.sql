-- Moderators, their sessions, and the audit log of everything they change.

create table moderator (
    moderator_id  bigint generated always as identity primary key,
    -- Lowercased and trimmed: how a moderator signs in and is named in the audit log.
    email         text not null,
    -- An argon2id PHC string (salt and parameters included); never the password.
    password_hash text not null,
    -- Admins also add and disable moderators from the web.
    is_admin      boolean not null default false,
    -- Disabled moderators cannot sign in, and their sessions end; the row stays for the audit.
    disabled_at   timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint moderator_email_unique unique (email),
    constraint moderator_email_format check (email = lower(email) and email like '%_@_%'
                                             and length(email) <= 254),
    constraint moderator_password_hash_format check (password_hash like '$argon2id$%')
);

create trigger moderator_updated_at before update on moderator
    for each row execute function set_updated_at();

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is kept, so that a
-- copy of the database signs nobody in. Revoked on logout, ended by expiry or by disabling the
-- moderator.
create table moderator_session (
    moderator_session_id bigint generated always as identity primary key,
    moderator_id         bigint not null references moderator (moderator_id) on delete cascade,
    token_hash           bytea not null,
    created_at           timestamptz not null default now(),
    -- Bumped at most once a minute by the requests of the session: when it was last used.
    last_seen_at         timestamptz not null default now(),
    expires_at           timestamptz not null,
    revoked_at           timestamptz,
    constraint moderator_session_token_hash_unique unique (token_hash),
    constraint moderator_session_token_hash_length check (octet_length(token_hash) = 32)
);

create index moderator_session_moderator_id_idx on moderator_session (moderator_id);
-- The server deletes sessions long past their end by this.
create index moderator_session_expires_at_idx on moderator_session (expires_at);

-- Everything a moderator (or an operator at the command line) changed: who, what, when,
-- before and after, and the public id of what was changed. Append-only: the triggers below
-- refuse updates, deletes and truncation, whoever asks.
create table moderation_audit (
    moderation_audit_id bigint generated always as identity primary key,
    -- Null for `fakewatch moderator …` run by an operator at the command line.
    moderator_id        bigint references moderator (moderator_id),
    -- What was done: `domain::moderation::Action::as_str`.
    action              text not null,
    -- What it was done to, and its public id: a report's or evidence file's public id,
    -- `marketplace/seller_key`, a brand slug, a reply's id, a moderator's email.
    subject_kind        text not null,
    subject_id          text not null,
    -- The changed fields as they were and as they became; never a reporter's personal data.
    before              jsonb,
    after               jsonb,
    created_at          timestamptz not null default now(),
    constraint moderation_audit_action_length check (length(action) between 1 and 40),
    constraint moderation_audit_subject_kind_check
        check (subject_kind in ('report', 'evidence', 'seller', 'brand', 'reply', 'moderator')),
    constraint moderation_audit_subject_id_length check (length(subject_id) between 1 and 700)
);

-- The audit page's filters, each read newest first (the page orders by id).
create index moderation_audit_subject_idx on moderation_audit (subject_id, moderation_audit_id desc);
create index moderation_audit_moderator_idx on moderation_audit (moderator_id, moderation_audit_id desc);
create index moderation_audit_action_idx on moderation_audit (action, moderation_audit_id desc);

create function moderation_audit_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'moderation_audit is append-only'
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger moderation_audit_no_update before update or delete on moderation_audit
    for each row execute function moderation_audit_append_only();
create trigger moderation_audit_no_truncate before truncate on moderation_audit
    for each statement execute function moderation_audit_append_only();

-- Failed sign-ins are counted per account and per client, like filing attempts.
alter table rate_limit drop constraint rate_limit_bucket_check;
alter table rate_limit add constraint rate_limit_bucket_check
    check (bucket in ('reports', 'searches', 'login-account', 'login-client'));
