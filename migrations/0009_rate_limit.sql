-- Limits per client (src/domain/rate_limit.rs): one counter per bucket, client and fixed
-- window, bumped by one `insert … on conflict do update` per request. Kept here rather than in
-- each process so that every instance of the service counts against the same limits.
--
-- Unlogged: a counter is worth nothing after a crash (the table is then emptied, and clients
-- start afresh), and without WAL a bump neither writes the log nor waits for it to be flushed
-- at commit, so that one busy client's row is locked for microseconds, not a disk flush.
-- (Standbys do not see unlogged tables: after a failover, limits start afresh too.)
create unlogged table rate_limit (
    -- What is counted: 'reports' (per hour) or 'searches' (per minute).
    bucket       text        not null,
    -- HMAC of the client's address (an IPv4 address or an IPv6 /64) under the server secret:
    -- the address is never stored.
    client_key   bytea       not null,
    -- The fixed window's start; it stands for created_at.
    window_start timestamptz not null,
    -- Once the window after this one has ended, nothing reads the row: then it may go.
    expires_at   timestamptz not null,
    hits         integer     not null,
    -- No updated_at (nor its trigger): the row is updated on every request, and the window
    -- says when.
    constraint rate_limit_pkey primary key (bucket, client_key, window_start),
    constraint rate_limit_bucket_check check (bucket in ('reports', 'searches')),
    constraint rate_limit_client_key_length check (octet_length(client_key) = 32),
    constraint rate_limit_hits_positive check (hits > 0)
)
-- Room on each page for the new row versions of hot counters (HOT updates, no index churn).
with (fillfactor = 50);

-- The purge (db::rate_limits::delete_expired) finds old windows by this.
create index rate_limit_expires_at_idx on rate_limit (expires_at);
