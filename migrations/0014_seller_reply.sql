-- Sellers' right of reply: a statement a seller publishes beside the reports about them, once
-- a moderator has found the reply's code in the store's own description (which only the
-- store's owner can edit) and approved it.

create table seller_reply (
    seller_reply_id   bigint generated always as identity primary key,
    -- What the moderation forms and the public JSON show: random, like reports' public ids.
    public_id         text not null,
    seller_id         bigint not null references seller (seller_id),
    -- Published unchanged once approved.
    statement         text not null,
    -- Private: how the operator can reach the author. Never selected by public queries, never
    -- shown; `fakewatch purge` clears it a while after the reply was rejected or replaced.
    contact_email     text,
    -- Shown to the author once, and to moderators, who look for it in the store's description.
    -- Proof of control of the store, not a credential: it is meant to be published there.
    verification_code text not null,
    status            text not null default 'pending',
    reject_reason     text,
    -- When and by whom it was approved or rejected.
    decided_at        timestamptz,
    decided_by        bigint references moderator (moderator_id),
    -- The approved reply this one took the place of when it was approved.
    replaces          bigint references seller_reply (seller_reply_id),
    -- When a newer approved reply took this one's place.
    replaced_at       timestamptz,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint seller_reply_public_id_unique unique (public_id),
    constraint seller_reply_status_check
        check (status in ('pending', 'approved', 'rejected', 'replaced')),
    constraint seller_reply_statement_length check (length(statement) between 1 and 2000),
    constraint seller_reply_contact_email_length check (length(contact_email) <= 254),
    -- Only the purge of a rejected or replaced reply's contact may leave it empty.
    constraint seller_reply_contact_kept
        check (contact_email is not null or status in ('rejected', 'replaced')),
    -- `domain::reply::VerificationCode`: Crockford's base 32 without I, L, O, U.
    constraint seller_reply_verification_code_format
        check (verification_code ~ '^FW-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
    constraint seller_reply_reject_reason_check
        check ((status = 'rejected') = (reject_reason is not null)
               and reject_reason in ('could_not_verify_store', 'abusive', 'personal_data',
                                     'off_topic')),
    constraint seller_reply_decided check ((status = 'pending') = (decided_at is null)),
    constraint seller_reply_replaced check ((status = 'replaced') = (replaced_at is not null))
);

create trigger seller_reply_updated_at before update on seller_reply
    for each row execute function set_updated_at();

-- A seller has at most one published reply; the seller page reads it by this index.
create unique index seller_reply_one_approved on seller_reply (seller_id)
    where status = 'approved';
-- The moderators' list: pending replies, oldest first.
create index seller_reply_pending_idx on seller_reply (created_at, seller_reply_id)
    where status = 'pending';
-- A seller's replies, newest first: the history moderators see beside each pending reply.
create index seller_reply_seller_id_idx on seller_reply (seller_id, created_at desc);
-- Purge: contacts of rejected and replaced replies, oldest decision first.
create index seller_reply_contact_purge_idx on seller_reply ((coalesce(replaced_at, decided_at)))
    where contact_email is not null and status in ('rejected', 'replaced');
