-- What moderators decide about reports and evidence files, what the queue needs to find and
-- flag the reports waiting for them, and the network a report came from (for the flag "many
-- reports from one network").

alter table report
    -- Why a moderator rejected the report (`domain::moderation::RejectReason`); shown to the
    -- reporter and on the public report page. Reports rejected before moderators existed (demo
    -- data) have none.
    add column rejection_reason text,
    -- The last moderator's decision on the report (verified or rejected) and who made it; the
    -- full history is in moderation_audit. Moderators are disabled, never deleted.
    add column moderated_at     timestamptz,
    add column moderated_by     bigint references moderator (moderator_id),
    -- A keyed hash of the network the report was sent from (an IPv4 address or an IPv6 /64),
    -- under a purpose of its own, so that it matches neither reporter fingerprints nor
    -- rate-limit keys. Reports with an email address have no other trace of their network; the
    -- queue counts reports per network and hour with it. Null when the server did not know
    -- the client's address, and deleted with the rest of the reporter's data.
    add column reporter_network bytea,
    add constraint report_rejection_reason_check check (rejection_reason in (
        'spam', 'insufficient_evidence', 'not_counterfeit', 'personal_data', 'duplicate')),
    add constraint report_rejection_reason_only_rejected
        check (rejection_reason is null or status = 'rejected'),
    add constraint report_moderated_complete
        check ((moderated_at is null) = (moderated_by is null)),
    add constraint report_reporter_network_length check (octet_length(reporter_network) = 32);

-- A report that leaves 'rejected' (withdrawn by its reporter, verified after all) drops its
-- rejection reason, whichever code changes the status; the audit log keeps it.
create function report_clear_rejection_reason() returns trigger
language plpgsql as $$
begin
    if new.status <> 'rejected' then
        new.rejection_reason := null;
    end if;
    return new;
end;
$$;

create trigger report_clear_rejection_reason before update on report
    for each row when (old.status is distinct from new.status)
    execute function report_clear_rejection_reason();

alter table evidence
    -- Hidden by a moderator (a face, an address, another person's order): left out of brand
    -- owners' exports, signed links and every public count, but still listed for its reporter.
    add column hidden_at timestamptz,
    add column hidden_by bigint references moderator (moderator_id),
    add constraint evidence_hidden_complete check ((hidden_at is null) = (hidden_by is null));

-- Exports list evidence links: hiding or showing a file marks its report's (listing, brand)
-- changed, so that the next incremental export drops or adds the link.
create function listing_brand_touch_evidence() returns trigger
language plpgsql as $$
begin
    update listing_brand lb set changed_xid = pg_current_xact_id()
    from report r
    where r.report_id = new.report_id
      and lb.listing_id = r.listing_id and lb.brand_id = r.brand_id;
    return null;
end;
$$;

create trigger evidence_touch_listing_brand after update on evidence
    for each row when (old.hidden_at is distinct from new.hidden_at)
    execute function listing_brand_touch_evidence();

-- The queue: reports waiting for a moderator, oldest first, all of them or one brand's. Once
-- moderators keep up, the oldest reports are decided ones, which the live indexes still hold:
-- on the demo database with 97 % of its reports decided, the queue's first page took 0.09 to
-- 0.15 s without these and 0.04 s with them (one brand's: 0.057 s and 0.045 s).
create index report_unverified_idx on report (created_at, report_id)
    where status = 'unverified';
create index report_unverified_brand_idx on report (brand_id, created_at, report_id)
    where status = 'unverified';
-- A reporter's other reports, and whether a reporter was seen before (the burst flag).
create index report_fingerprint_idx on report (reporter_fingerprint, created_at, report_id)
    where reporter_fingerprint is not null;
-- Reports sent from one network around the same time (the network flag).
create index report_reporter_network_idx on report (reporter_network, created_at)
    where reporter_network is not null;
