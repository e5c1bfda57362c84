-- Reporters prove they own the email address they gave: a report counts in reputations and
-- takedown lists only once its address is confirmed (or a moderator verified it). Filing again
-- makes a new report; a confirmation makes it replace the reporter's earlier one.

alter table report
    -- When the reporter confirmed the address for this report; null while pending, and for
    -- anonymous reports. Per report, not per address: knowing a confirmed address must not
    -- let someone else file reports that count as that person's.
    add column confirmed_at timestamptz,
    -- The reporter's newer report that replaced this one once confirmed (this one is then
    -- withdrawn): one live confirmed report per reporter and listing.
    add column replaced_by  bigint references report (report_id),
    -- When the reporter erased their data: the row stays (withdrawn) so that counts, votes and
    -- brand owners' incremental exports see the change, but holds nothing personal.
    add column erased_at    timestamptz,
    add constraint report_confirmed_has_key
        check (confirmed_at is null or reporter_key is not null),
    add constraint report_erased_is_withdrawn
        check (erased_at is null or status = 'withdrawn');

-- Erasing deletes the fingerprint and the free text too.
alter table report alter column reporter_fingerprint drop not null;
alter table report
    drop constraint report_description_length,
    add constraint report_description_length
        check (length(description) between 1 and 5000 or (erased_at is not null and description = ''));

-- Was: one live report per reporter and listing, which made filing again overwrite the earlier
-- report for anyone who knew the address. Now only confirmed reports are unique; pending ones
-- may pile up until their owner confirms (the newest wins) or disowns them.
drop index report_reporter_listing_unique;
create unique index report_confirmed_reporter_listing_unique on report (listing_id, reporter_key)
    where confirmed_at is not null and status in ('unverified', 'verified');
-- A confirmation finds the address's pending reports.
create index report_pending_reporter_key_idx on report (reporter_key)
    where confirmed_at is null and reporter_key is not null;
-- The seller page counts only confirmed (or verified) reporters: the index it aggregates from
-- carries the confirmation too, so the page still reads no report rows.
drop index report_live_seller_idx;
create index report_live_seller_idx on report (seller_id, created_at desc, report_id desc)
    include (status, reporter_fingerprint, listing_id, brand_id, confirmed_at)
    where status in ('unverified', 'verified');
create index report_replaced_by_idx on report (replaced_by) where replaced_by is not null;

-- One row per confirmation mail: at most 5 per address per 24 h. The token is made when the
-- mail is sent (only its hash is kept), so the queue never holds a usable secret.
create table email_confirmation (
    email_confirmation_id bigint generated always as identity primary key,
    -- HMAC of the folded address, as report.reporter_key.
    reporter_key          bytea not null,
    token_hash            bytea,
    created_at            timestamptz not null default now(),
    sent_at               timestamptz,
    expires_at            timestamptz,
    updated_at            timestamptz not null default now(),
    constraint email_confirmation_token_hash_length check (octet_length(token_hash) = 32),
    constraint email_confirmation_token_hash_unique unique (token_hash),
    constraint email_confirmation_sent_complete
        check ((sent_at is null) = (token_hash is null) and (sent_at is null) = (expires_at is null))
);
create index email_confirmation_reporter_key_idx on email_confirmation (reporter_key, created_at);
create trigger email_confirmation_updated_at before update on email_confirmation
    for each row execute function set_updated_at();

-- Mails waiting to be sent, retried with backoff while the mail server is down. A row is
-- deleted once the server accepted it.
create table mail (
    mail_id               bigint generated always as identity primary key,
    kind                  text not null,
    to_address            text not null,
    -- Whose address this is, so that erasing a reporter's data removes their queued mail.
    reporter_key          bytea,
    email_confirmation_id bigint references email_confirmation (email_confirmation_id)
                              on delete cascade,
    attempts              integer not null default 0,
    next_attempt_at       timestamptz not null default now(),
    last_error            text,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now(),
    constraint mail_kind_check check (kind in ('confirmation')),
    constraint mail_to_address_length check (length(to_address) between 3 and 254),
    constraint mail_confirmation_complete
        check (kind <> 'confirmation' or email_confirmation_id is not null)
);
create index mail_next_attempt_at_idx on mail (next_attempt_at);
create index mail_reporter_key_idx on mail (reporter_key) where reporter_key is not null;
create trigger mail_updated_at before update on mail
    for each row execute function set_updated_at();
