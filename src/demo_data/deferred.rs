//! Indexes, constraints and insert triggers set aside while the demo data is copied in, and put
//! back before commit.
//!
//! Maintaining the report table's nineteen indexes row by row, checking four foreign keys per
//! row, and collecting every row for the statement triggers' transition tables was most of
//! the time a large load took. Built afterwards, each index is one scan and one sort; each
//! foreign key is checked by one join; and the triggers' work is done once, set-based, by
//! [`derive_trigger_work`] and the summaries' rebuild. Everything happens in the load's
//! transaction, so nobody sees the tables without them, and a failed load leaves the schema as
//! it was.

use sqlx::{AssertSqlSafe, PgConnection};

/// The tables the demo data fills: their secondary indexes, unique constraints and foreign keys
/// are dropped for the load, and so are primary keys that no other table's foreign key needs
/// (those that stay grow at their right edge only: ids are copied in ascending order).
pub(super) const TABLES: &[&str] = &[
    "brand",
    "brand_alias",
    "seller",
    "seller_alias",
    "listing",
    "listing_brand",
    "report",
];

/// The summaries, filled by their rebuild after the tables above have their indexes back
/// (their views look up outcomes by index per seller); theirs are built after it.
pub(super) const SUMMARY_TABLES: &[&str] = &[
    "seller_reporter",
    "seller_summary",
    "seller_month",
    "seller_day",
    "seller_listing",
    "seller_brand",
    "seller_brand_reporter",
    "brand_reporter",
    "brand_summary",
    "brand_marketplace",
];

/// Insert triggers whose effect [`derive_trigger_work`] and the summaries' rebuild reproduce.
/// Named one by one, so that a trigger added later keeps firing during the load until it is
/// listed here with its set-based equivalent.
const INSERT_TRIGGERS: &[(&str, &str)] = &[
    ("brand", "brand_summarise_insert"),
    ("seller", "seller_summarise_insert"),
    ("listing_brand", "listing_brand_seller"),
    ("listing_brand", "listing_brand_summarise_insert"),
    ("listing_brand", "listing_brand_summary_created"),
    ("report", "report_touch_listing_brand_insert"),
    ("report", "report_count_seller_names_insert"),
    ("report", "report_summarise_insert"),
];

/// One statement that puts back an index or constraint, and its name for the progress bar.
pub(super) struct Restore {
    pub name: String,
    pub sql: String,
}

/// What was dropped, as the statements that put it back, each list in the order it must run:
/// keys and indexes first, then the foreign keys that rely on them.
pub(super) struct Deferred {
    /// Of the loaded tables.
    pub tables: Vec<Restore>,
    /// Of the summaries.
    pub summaries: Vec<Restore>,
}

/// Drops the secondary indexes, keys and foreign keys of the demo and summary tables, and
/// disables the insert triggers whose work is done afterwards; returns what puts them back.
///
/// The statements run here are DDL, which takes no parameters: they are made of this module's
/// constant names and of definitions PostgreSQL prints from its own catalogue (names quoted by
/// `format('%I')`), never of anything a user gave.
pub(super) async fn set_aside(conn: &mut PgConnection) -> Result<Deferred, sqlx::Error> {
    let all: Vec<&str> = TABLES.iter().chain(SUMMARY_TABLES).copied().collect();
    // Definitions as PostgreSQL prints them, so that what is rebuilt is exactly what the
    // migrations made. A key stays when a foreign key of a table outside the set relies on it.
    let found: Vec<(String, String, String, String, bool)> = sqlx::query_as(
        "select c.conrelid::regclass::text, c.conname::text,
                format('alter table %s drop constraint %I', c.conrelid::regclass, c.conname),
                format('alter table %s add constraint %I %s', c.conrelid::regclass, c.conname,
                       pg_get_constraintdef(c.oid)),
                c.contype = 'f' as foreign_key
         from pg_constraint c
         where c.conrelid = any($1::text[]::regclass[])
           and (c.contype = 'f'
                or (c.contype in ('p', 'u')
                    and not exists (select from pg_constraint f
                                    where f.contype = 'f' and f.conindid = c.conindid
                                      and f.conrelid <> all($1::text[]::regclass[]))))
         union all
         select i.indrelid::regclass::text, i.indexrelid::regclass::text,
                format('drop index %s', i.indexrelid::regclass),
                pg_get_indexdef(i.indexrelid),
                false
         from pg_index i
         where i.indrelid = any($1::text[]::regclass[])
           and not exists (select from pg_constraint c
                           where c.conrelid = i.indrelid and c.conindid = i.indexrelid)
         order by 5, 1, 2",
    )
    .bind(&all)
    .fetch_all(&mut *conn)
    .await?;
    // Foreign keys go first, before the keys they reference.
    for (_, _, drop, _, _) in found.iter().rev() {
        sqlx::raw_sql(AssertSqlSafe(drop.as_str()))
            .execute(&mut *conn)
            .await?;
    }
    for (table, trigger) in INSERT_TRIGGERS {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "alter table {table} disable trigger {trigger}"
        )))
        .execute(&mut *conn)
        .await?;
    }
    let (summaries, tables): (Vec<_>, Vec<_>) = found
        .into_iter()
        .map(|(table, name, _, sql, _)| (table, Restore { name, sql }))
        .partition(|(table, _)| SUMMARY_TABLES.contains(&table.as_str()));
    let strip = |items: Vec<(String, Restore)>| items.into_iter().map(|(_, r)| r).collect();
    Ok(Deferred {
        tables: strip(tables),
        summaries: strip(summaries),
    })
}

/// Does what the disabled insert triggers of `report` and `listing_brand` would have done for
/// the copied rows: the (listing, brand) pairs that takedown exports track, with the listing's
/// seller, and each seller name's live reports. (The summaries are rebuilt after this.)
///
/// The pairs go in in the order of `listing_brand`'s primary key, which stays during the load
/// (`listing_outcome` refers to it), so that the index grows at its right edge rather than
/// taking 3.4 million inserts (at 10 million reports) at random pages.
pub(super) async fn derive_trigger_work(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(
        "insert into listing_brand (listing_id, brand_id, seller_id)
         select p.listing_id, p.brand_id, l.seller_id
         from (select distinct listing_id, brand_id from report) p
         join listing l using (listing_id)
         order by p.brand_id, p.listing_id;
         update seller_alias a set live_reports = d.n
         from (select seller_id, seller_name, count(*)::int as n
               from report
               where status in ('unverified', 'verified') and seller_name is not null
               group by seller_id, seller_name) d
         where a.seller_id = d.seller_id and a.name = d.seller_name",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Runs one statement that puts back an index or constraint.
pub(super) async fn restore(conn: &mut PgConnection, item: &Restore) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(item.sql.as_str()))
        .execute(conn)
        .await?;
    Ok(())
}

/// Enables the insert triggers again, for every write after the load.
pub(super) async fn enable_triggers(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    for (table, trigger) in INSERT_TRIGGERS {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "alter table {table} enable trigger {trigger}"
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
