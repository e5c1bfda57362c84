-- The spelling of a seller's name each report gave, counted, so that a store identified by id
-- is shown under the spelling most live reports gave (`db::sellers::refresh_shown_name`), and a
-- spelling that only withdrawn or rejected reports gave is shown nowhere.

-- A spelling is now one exact text: "LUXURY OUTLET" and "Luxury Outlet" are two votes. Pages
-- still show one alias per folded name.
alter table seller_alias
    drop constraint seller_alias_unique,
    add constraint seller_alias_name_unique unique (seller_id, name),
    -- Live (unverified or verified) reports that gave exactly this spelling; kept by the
    -- triggers below.
    add column live_reports integer not null default 0,
    add constraint seller_alias_live_reports_not_negative check (live_reports >= 0);

-- The reporter's spelling of the seller's name: a spelling of the report's own seller, or null
-- when they gave none. Reports filed before this migration did not keep it and count for no
-- spelling; their sellers keep their names until a report is filed or withdrawn.
alter table report
    add column seller_name text,
    -- No index on report (seller_id, seller_name): spellings are never deleted while reports
    -- point at them (a seller with reports cannot be deleted either).
    add constraint report_seller_name_fkey
        foreign key (seller_id, seller_name) references seller_alias (seller_id, name);

-- Moves the live counts by the rows a statement inserted, changed or deleted: a new live
-- report adds its vote, a withdrawal (or rejection) takes it away, a re-filed report with
-- another spelling moves it. Statement-level, so that a bulk COPY counts in one update.
-- Lock order: intake and withdrawal lock the seller row before they touch a report, and these
-- then lock the seller's alias rows; nothing locks them the other way round.
create function seller_alias_count_live_reports() returns trigger
language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        update seller_alias a set live_reports = a.live_reports + d.n
        from (select seller_id, seller_name, count(*)::int as n
              from new_rows
              where status in ('unverified', 'verified') and seller_name is not null
              group by seller_id, seller_name) d
        where a.seller_id = d.seller_id and a.name = d.seller_name;
    elsif tg_op = 'UPDATE' then
        update seller_alias a set live_reports = a.live_reports + d.n
        from (select seller_id, seller_name, sum(n)::int as n
              from (select seller_id, seller_name, 1 as n
                    from new_rows
                    where status in ('unverified', 'verified') and seller_name is not null
                    union all
                    select seller_id, seller_name, -1
                    from old_rows
                    where status in ('unverified', 'verified') and seller_name is not null) v
              group by seller_id, seller_name
              having sum(n) <> 0) d
        where a.seller_id = d.seller_id and a.name = d.seller_name;
    else
        update seller_alias a set live_reports = a.live_reports - d.n
        from (select seller_id, seller_name, count(*)::int as n
              from old_rows
              where status in ('unverified', 'verified') and seller_name is not null
              group by seller_id, seller_name) d
        where a.seller_id = d.seller_id and a.name = d.seller_name;
    end if;
    return null;
end;
$$;

create trigger report_count_seller_names_insert after insert on report
    referencing new table as new_rows
    for each statement execute function seller_alias_count_live_reports();
create trigger report_count_seller_names_update after update on report
    referencing old table as old_rows new table as new_rows
    for each statement execute function seller_alias_count_live_reports();
create trigger report_count_seller_names_delete after delete on report
    referencing old table as old_rows
    for each statement execute function seller_alias_count_live_reports();
